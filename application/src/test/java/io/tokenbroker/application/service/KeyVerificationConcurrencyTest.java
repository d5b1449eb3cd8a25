package io.tokenbroker.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryApiKeys;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.SecretHasher;
import io.tokenbroker.application.testing.CountingSecretHasher;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cold keys on a real bounded pool: one bcrypt per presented key, one at a time per key id, 503 beyond the queue. */
class KeyVerificationConcurrencyTest {

    /** Counts verifications and holds each until the test opens the gate, recording how many ran at once. */
    private static final class GatedHasher implements SecretHasher {
        private final CountingSecretHasher counting = new CountingSecretHasher();
        private final CountDownLatch gate = new CountDownLatch(1);
        private final Semaphore entered = new Semaphore(0);
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicInteger mostAtOnce = new AtomicInteger();

        @Override
        public String hash(String secret) {
            return counting.hash(secret);
        }

        @Override
        public boolean matches(String secret, String hash) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            entered.release();
            try {
                gate.await();
                return counting.matches(secret, hash);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public String fingerprint(String secret) {
            return counting.fingerprint(secret);
        }
    }

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryApiKeys keys = new InMemoryApiKeys();
    private final GatedHasher hasher = new GatedHasher();
    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void stop() {
        hasher.gate.countDown();
        pools.forEach(ExecutorService::shutdownNow);
    }

    private ApiKeyService service(int threads, int queue, int maxFailures) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(queue));
        pools.add(pool);
        return new ApiKeyService(keys, hasher, clock, new SecureRandom(),
                new ApiKeySettings(Duration.ofSeconds(60), 1000, maxFailures, Duration.ofMinutes(1)),
                KeyRevocations.NONE, pool);
    }

    private static ManageApiKeys.Issued issue(ApiKeyService service) {
        return service.issue(new ManageApiKeys.Issue("cold", Set.of(Scope.TOKEN_READ), TenantScope.allTenants(),
                Optional.empty()));
    }

    private static String wrongSecret(String key, int n) {
        return key.substring(0, key.length() - 6) + "%06d".formatted(n);
    }

    @Test
    void aHundredConcurrentFirstUsesOfAKeyRunOneBcrypt() throws Exception {
        ApiKeyService service = service(2, 32, 10);
        ManageApiKeys.Issued issued = issue(service);
        ExecutorService callers = Executors.newFixedThreadPool(100);
        pools.add(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CompletableFuture<Optional<Caller>>>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String address = "10.0.0." + i;
            calls.add(callers.submit(() -> {
                start.await();
                return service.authenticateAsync(new AuthenticateCaller.Command(issued.plaintext(), address))
                        .toCompletableFuture();
            }));
        }
        start.countDown();
        List<CompletableFuture<Optional<Caller>>> answers = new ArrayList<>();
        for (var call : calls) {
            answers.add(call.get());
        }

        hasher.gate.countDown();

        for (CompletableFuture<Optional<Caller>> answer : answers) {
            assertEquals(issued.key().id(), answer.join().orElseThrow().keyId());
        }
        assertEquals(1, hasher.counting.verifications());
    }

    @Test
    void aBurstOfWrongSecretsForOneKeyIdRunsOneBcryptAtATimeAndIsCappedByTheAttemptsInFlight() {
        ApiKeyService service = service(2, 32, 5);
        ManageApiKeys.Issued issued = issue(service);
        List<CompletableFuture<Optional<Caller>>> attempts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            attempts.add(service.authenticateAsync(new AuthenticateCaller.Command(wrongSecret(issued.plaintext(), i),
                    "198.51.100." + i)).toCompletableFuture());
        }

        AuthenticateCaller.Throttled throttled = assertThrows(AuthenticateCaller.Throttled.class,
                () -> service.authenticateAsync(new AuthenticateCaller.Command(wrongSecret(issued.plaintext(), 99),
                        "198.51.100.99")));
        hasher.gate.countDown();

        attempts.forEach(attempt -> assertTrue(attempt.join().isEmpty()));
        assertEquals(1, hasher.mostAtOnce.get(), "wrong secrets for one key id are verified one after another");
        assertEquals(5, hasher.counting.verifications(), "the sixth was refused while five were in flight");
        assertTrue(throttled.retryAfter().isPresent());
    }

    @Test
    void beyondTheQueueANewKeyIsRefusedAsOverloadedWithRetryAfter() throws InterruptedException {
        ApiKeyService service = service(1, 1, 10);
        ManageApiKeys.Issued running = issue(service);
        ManageApiKeys.Issued queued = issue(service);
        ManageApiKeys.Issued refused = issue(service);
        CompletableFuture<Optional<Caller>> first = service.authenticateAsync(
                new AuthenticateCaller.Command(running.plaintext(), "10.0.0.1")).toCompletableFuture();
        hasher.entered.acquire();
        CompletableFuture<Optional<Caller>> second = service.authenticateAsync(
                new AuthenticateCaller.Command(queued.plaintext(), "10.0.0.2")).toCompletableFuture();

        CompletionException overloaded = assertThrows(CompletionException.class, () -> service.authenticateAsync(
                new AuthenticateCaller.Command(refused.plaintext(), "10.0.0.3")).toCompletableFuture().join());

        AuthenticateCaller.Overloaded failure = assertInstanceOf(AuthenticateCaller.Overloaded.class,
                overloaded.getCause());
        assertEquals(Optional.of(AuthenticateCaller.Overloaded.RETRY_AFTER), failure.retryAfter());
        hasher.gate.countDown();
        assertTrue(first.join().isPresent());
        assertTrue(second.join().isPresent());
        assertTrue(service.authenticate(new AuthenticateCaller.Command(refused.plaintext(), "10.0.0.3")).isPresent(),
                "once the queue drains, the refused key is verified");
    }
}
