package io.tokenbroker.adapters.http.inbound.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class ImmediateAnswersTest {

    @Test
    void constantsAreReadWithoutSubscribing() {
        assertEquals("caller", ImmediateAnswers.of(Mono.just("caller")));
        assertNull(ImmediateAnswers.of(Mono.empty()));
        assertNull(ImmediateAnswers.of(Flux.empty()));
    }

    @Test
    void anythingThatMustBeSubscribedToIsPending() {
        assertSame(ImmediateAnswers.PENDING, ImmediateAnswers.of(Mono.fromFuture(new CompletableFuture<String>())));
        assertSame(ImmediateAnswers.PENDING, ImmediateAnswers.of(Mono.just("a").map(String::toUpperCase)));
        assertSame(ImmediateAnswers.PENDING, ImmediateAnswers.of(Flux.just("a", "b")));
        assertSame(ImmediateAnswers.PENDING, ImmediateAnswers.of(subscriber -> { }));
    }

    @Test
    void aFailureIsLeftToTheFrameworkToReport() {
        assertSame(ImmediateAnswers.PENDING, ImmediateAnswers.of(Mono.error(new IllegalStateException("boom"))));
    }
}
