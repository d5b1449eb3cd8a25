package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A waiter on another instance's lease and the holder's stored-token message: the waiter's caller is asked whether
 * the lease is still needed, and if not, the wait ends there, while the holder still holds the lease. Instances are
 * separate clients and adapters over one server; the ttl and the re-check are long, so only a message can end a
 * wait within a test.
 */
class RedisLeaseWakeUpTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration GUARD = Duration.ofSeconds(20);

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();

    private RedisFixture fixture;
    private RedisAdapters holder;
    private RedisAdapters waiter;

    @BeforeEach
    void twoInstances() {
        fixture = REDIS.freshFixture();
        holder = fixture.adapters(Clock.systemUTC(), "holder");
        waiter = fixture.adapters(Clock.systemUTC(), "waiter", Duration.ofMinutes(1));
    }

    @Test
    void aStoredTokenThatServesTheWaiterEndsItsWaitWithoutTheLease() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        TokenStore tokensOfWaiter = waiter.tokenStore();
        try (Lease held = holder.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow()) {
            CompletableFuture<Optional<Lease>> waited = waitFor(() -> {
                asked.incrementAndGet();
                return tokensOfWaiter.find(KEY).isPresent();
            });

            holder.tokenStore().put(KEY, token("landed"), TTL, held.fence());

            assertEquals(Optional.empty(), waited.get(GUARD.toSeconds(), TimeUnit.SECONDS));
            assertEquals(1, asked.get());
            assertEquals("landed", tokensOfWaiter.find(KEY).orElseThrow().value());
            assertTrue(fixture.raw().sync().get("tb:{acme:crm}:lease").startsWith("holder:"), "still the holder's");
        }
        try (Lease again = waiter.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(again.fence() > 0, "the waiter's in-process lease was given back");
        }
    }

    @Test
    void aWaiterThatStillNeedsTheLeaseTakesItOnceReleased() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Lease held = holder.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow();
        CompletableFuture<Optional<Lease>> waited = waitFor(() -> {
            asked.incrementAndGet();
            return false;
        });
        holder.tokenStore().put(KEY, token("landed"), TTL, held.fence());

        held.close();

        try (Lease granted = waited.get(GUARD.toSeconds(), TimeUnit.SECONDS).orElseThrow()) {
            assertTrue(granted.fence() > held.fence());
        }
        assertEquals(1, asked.get(), "asked on the stored token, not on the release");
    }

    @Test
    void aReleaseWithoutAStoredTokenIsNotAskedAbout() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Lease held = holder.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow();
        CompletableFuture<Optional<Lease>> waited = waitFor(() -> asked.incrementAndGet() > 0);

        held.close();

        try (Lease granted = waited.get(GUARD.toSeconds(), TimeUnit.SECONDS).orElseThrow()) {
            assertTrue(granted.fence() > held.fence(), "the failed holder's successor");
        }
        assertEquals(0, asked.get());
    }

    @Test
    void anAnnouncedTokenIsReadByTheThreadThatHeardItAndTheWaiterWakesWithTheAnswer() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        AtomicReference<Thread> askedOn = new AtomicReference<>();
        TokenStore tokensOfWaiter = waiter.tokenStore();
        try (Lease held = holder.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow()) {
            AtomicReference<Thread> waitingOn = new AtomicReference<>();
            CompletableFuture<Optional<Lease>> waited = waiting(() -> {
                waitingOn.set(Thread.currentThread());
                return waiter.lockManager().acquireUnlessDone(KEY, TTL, Duration.ofMinutes(1), () -> {
                    asked.incrementAndGet();
                    askedOn.set(Thread.currentThread());
                    return tokensOfWaiter.lookupWithoutBlocking(KEY).thenApply(Optional::isPresent);
                });
            });

            holder.tokenStore().put(KEY, token("landed"), TTL, held.fence());

            assertEquals(Optional.empty(), waited.get(GUARD.toSeconds(), TimeUnit.SECONDS));
            assertEquals(1, asked.get());
            assertNotSame(waitingOn.get(), askedOn.get(), "started by the thread that heard the message");
            assertTrue(fixture.raw().sync().get("tb:{acme:crm}:lease").startsWith("holder:"), "still the holder's");
        }
    }

    @Test
    void aReleaseEndsNoWaitOfACheckThatReadsWithoutBlocking() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Lease held = holder.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow();
        CompletableFuture<Optional<Lease>> waited = waiting(() -> waiter.lockManager()
                .acquireUnlessDone(KEY, TTL, Duration.ofMinutes(1), () -> {
                    asked.incrementAndGet();
                    return CompletableFuture.completedFuture(true);
                }));

        held.close();

        try (Lease granted = waited.get(GUARD.toSeconds(), TimeUnit.SECONDS).orElseThrow()) {
            assertTrue(granted.fence() > held.fence(), "the released holder's successor");
        }
        assertEquals(0, asked.get());
    }

    /** The waiter's acquire on a thread of its own, returned once that thread waits for a message. */
    private CompletableFuture<Optional<Lease>> waitFor(BooleanSupplier doneElsewhere) {
        return waiting(() -> waiter.lockManager().acquire(KEY, TTL, Duration.ofMinutes(1), doneElsewhere));
    }

    /** {@code acquire} on a thread of its own, returned once that thread waits for a message. */
    private CompletableFuture<Optional<Lease>> waiting(Supplier<Optional<Lease>> acquire) {
        CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> result.complete(acquire.get()));
        thread.start();
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (Arrays.stream(thread.getStackTrace()).noneMatch(frame ->
                frame.getClassName().equals(RedisLockManager.class.getName())
                        && frame.getMethodName().equals("await"))) {
            assertTrue(System.nanoTime() < deadline && !result.isDone(), "the waiter never waited: " + result);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return result;
    }

    private static AccessToken token(String value) {
        return new AccessToken(value, "Bearer", Instant.now(), Instant.now().plusSeconds(3600));
    }
}
