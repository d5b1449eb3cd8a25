package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.adapters.http.inbound.security.BcryptSecretHasher;
import io.tokenbroker.application.port.out.SecretHasher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One verification thread and a queue of one: with one key being verified and one waiting, a third new key is
 * answered 503 with {@code Retry-After}. Real bcrypt, held at a gate once armed so the pool stays full.
 */
@MicronautTest
@Property(name = "tokenbroker.security.verification-threads", value = "1")
@Property(name = "tokenbroker.security.verification-queue", value = "1")
@Property(name = "test.gated-hasher", value = "true")
class KeyVerificationOverloadEndToEndTest {

    private static final String KEYS = "/v1/api-keys";

    /** bcrypt that, once armed, waits at a gate inside {@code matches}. */
    static final class GatedHasher implements SecretHasher {
        private final SecretHasher bcrypt = new BcryptSecretHasher(4, new SecureRandom());
        private final Semaphore entered = new Semaphore(0);
        private final CountDownLatch gate = new CountDownLatch(1);
        private volatile boolean armed;

        @Override
        public String hash(String secret) {
            return bcrypt.hash(secret);
        }

        @Override
        public boolean matches(String secret, String hash) {
            if (armed) {
                entered.release();
                try {
                    gate.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return bcrypt.matches(secret, hash);
        }

        @Override
        public String fingerprint(String secret) {
            return bcrypt.fingerprint(secret);
        }
    }

    @Factory
    @Requires(property = "test.gated-hasher", value = "true")
    static class GatedHasherFactory {
        @Singleton
        @Replaces(SecretHasher.class)
        GatedHasher gatedHasher() {
            return new GatedHasher();
        }
    }

    @Inject
    EmbeddedServer server;

    @Inject
    GatedHasher hasher;

    @AfterEach
    void open() {
        hasher.gate.countDown();
    }

    private String issue(BrokerClient admin) {
        HttpResponse<String> created = admin.post(KEYS, "{\"name\":\"cold\",\"scopes\":[\"admin\"],\"tenants\":[\"*\"]}");
        assertEquals(201, created.statusCode(), created.body());
        return (String) BrokerClient.body(created).get("key");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNewKeyBeyondTheVerificationQueueIsAnswered503WithRetryAfter() throws InterruptedException {
        BrokerClient admin = new BrokerClient(server.getURI());
        String running = issue(admin);
        String queued = issue(admin);
        String refused = issue(admin);
        hasher.armed = true;

        CompletableFuture<HttpResponse<String>> first = admin.as(running).getAsync(KEYS);
        hasher.entered.acquire();
        // Which of the next two reaches the queue first is up to the network: the other one must be refused at
        // once, while the queued one waits for the gate.
        CompletableFuture<HttpResponse<String>> second = admin.as(queued).getAsync(KEYS);
        CompletableFuture<HttpResponse<String>> third = admin.as(refused).getAsync(KEYS);
        HttpResponse<String> overloaded = (HttpResponse<String>) CompletableFuture.anyOf(second, third).join();

        assertEquals(503, overloaded.statusCode(), overloaded.body());
        assertEquals("1", overloaded.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(overloaded.body().contains("authentication-overloaded"), overloaded.body());
        hasher.gate.countDown();
        assertEquals(200, first.join().statusCode());
        HttpResponse<String> waited = overloaded == second.getNow(null) ? third.join() : second.join();
        assertEquals(200, waited.statusCode(), "the queued key is verified once a thread is free");
    }
}
