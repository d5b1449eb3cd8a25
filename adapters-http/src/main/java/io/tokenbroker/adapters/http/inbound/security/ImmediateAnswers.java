package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.core.annotation.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Fuseable;

/**
 * What a publisher holds when its answer is fixed at assembly: Reactor's {@code Mono.just}, {@code Mono.empty},
 * {@code Flux.empty} and the like are {@link Fuseable.ScalarCallable}s, whose value can be read without subscribing.
 * That is what micronaut-security's rules, its token fetcher and our key fetcher return when they decide at once.
 * Anything else (a future, a deferred or transformed publisher) is {@link #PENDING}: only subscribing will tell.
 * Micronaut's own execution flows read Reactor publishers the same way to skip a subscription
 * ({@code ReactorExecutionFlowImpl.tryComplete}).
 */
final class ImmediateAnswers {

    /** The publisher's answer is not known until it is subscribed to. */
    static final Object PENDING = new Object();

    private ImmediateAnswers() {
    }

    /**
     * @return the publisher's one value, {@code null} when it completes empty, or {@link #PENDING}; also
     *     {@link #PENDING} when it fails, so that the framework's own path reports the failure as it would
     */
    @Nullable
    static Object of(Publisher<?> publisher) {
        if (!(publisher instanceof Fuseable.ScalarCallable<?> scalar)) {
            return PENDING;
        }
        try {
            return scalar.call();
        } catch (Exception failed) {
            return PENDING;
        }
    }
}
