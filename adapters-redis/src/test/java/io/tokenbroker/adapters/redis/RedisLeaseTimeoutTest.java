package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lease acquire after a timeout: it is the one command whose answer decides who calls the upstream, so neither an
 * earlier timeout of another command nor its own lost reply may hand this instance a fallback lease while Redis, for
 * the others, is fine. Redis is held with {@code CLIENT PAUSE … WRITE}: scripts wait in Redis and run, in order, on
 * {@code CLIENT UNPAUSE}, which the test sends when it chooses; the test's own reads and the unpause go through.
 */
class RedisLeaseTimeoutTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final ConnectionKey ELSEWHERE = ConnectionKey.of("acme", "erp");
    private static final String LEASE_KEY = "tb:{acme:crm}:lease";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration GUARD = Duration.ofSeconds(20);
    /** Long enough for an unpause and a reply on a loaded machine; the tests never wait for it to pass unanswered. */
    private static final Duration SLOW_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();

    private RedisFixture fixture;

    @BeforeEach
    void freshRedis() {
        fixture = REDIS.freshFixture();
    }

    /** Whatever a test did: a paused Redis would hold every later test's writes. */
    @AfterEach
    void unpauseRedis() {
        unpause();
    }

    private RedisAdapters instance(String name, Duration commandTimeout) {
        return fixture.adapters(fixture.client(), Clock.systemUTC(), name,
                new RedisAdapters.Settings("tb", commandTimeout, 1_000, Duration.ofSeconds(1)));
    }

    @Test
    void anAcquireWhoseReplyWasLostGetsItsOwnLeaseBackOnTheRetry() throws Exception {
        RedisAdapters a = instance("a", SLOW_TIMEOUT);
        RedisAdapters b = fixture.adapters(Clock.systemUTC(), "b");
        pauseWrites();
        CompletableFuture<Optional<Lease>> acquired = CompletableFuture.supplyAsync(
                () -> a.lockManager().acquire(KEY, TTL, GUARD));
        awaitTrue(() -> a.outage().failedCalls() == 1, "the first acquire never timed out");

        // The first acquire runs now, its reply long given up on; the retry comes after it on the same connection.
        unpause();

        long released;
        try (Lease lease = acquired.get(GUARD.toSeconds(), TimeUnit.SECONDS).orElseThrow()) {
            String held = fixture.raw().sync().get(LEASE_KEY);
            assertTrue(held.startsWith("a:") && held.endsWith("|" + lease.fence()),
                    "the lease Redis holds for a, not a fallback beside it: " + held + ", fence " + lease.fence());
            assertEquals(Optional.empty(), b.lockManager().acquire(KEY, TTL, Duration.ZERO), "two holders");
            assertFalse(a.outage().isDown(), "the retry's answer showed Redis up");
            released = lease.fence();
        }
        try (Lease next = b.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow(
                () -> new AssertionError("a's first attempt left a lease nobody holds"))) {
            assertTrue(next.fence() > released);
        }
    }

    @Test
    void anEarlierTimeoutOfAnotherCommandDoesNotGrantAFallbackBesideAnotherInstancesLease() {
        RedisAdapters a = instance("a", SLOW_TIMEOUT);
        RedisAdapters b = fixture.adapters(Clock.systemUTC(), "b");
        pauseWrites();
        a.tokenStore().put(ELSEWHERE, token(), TTL, 1);
        assertTrue(a.outage().isDown(), "the write timed out: a takes Redis for down");
        unpause();

        long released;
        try (Lease held = b.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow()) {
            assertEquals(Optional.empty(), a.lockManager().acquire(KEY, TTL, Duration.ZERO),
                    "a took a fallback lease while b holds Redis's");
            assertFalse(a.outage().isDown(), "the acquire's answer showed Redis up");
            released = held.fence();
        }
        try (Lease next = a.lockManager().acquire(KEY, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(next.fence() > released);
            assertTrue(fixture.raw().sync().get(LEASE_KEY).startsWith("a:"), "Redis's lease, not a fallback");
        }
    }

    @Test
    void aRedisThatAnswersNobodyStillGrantsTheFallbackLeaseAfterTheRetry() {
        RedisAdapters a = instance("a", Duration.ofMillis(200));
        pauseWrites();
        try (Lease lease = a.lockManager().acquire(KEY, TTL, GUARD).orElseThrow(
                () -> new AssertionError("the broker must keep serving while Redis is down"))) {
            assertEquals(2, a.outage().failedCalls(), "the acquire and its retry, both unanswered");
            assertTrue(a.outage().isDown());
            assertTrue(lease.fence() > 0);
        }
    }

    @Test
    void aDisconnectedRedisGrantsTheFallbackLeaseWithoutARetry() throws Exception {
        EmbeddedRedis own = EmbeddedRedis.start();
        try (RedisFixture stopped = new RedisFixture(own)) {
            RedisClient client = stopped.client();
            RedisAdapters a = stopped.adapters(client, Clock.systemUTC(), "a",
                    new RedisAdapters.Settings("tb", GUARD, 1_000, Duration.ofSeconds(1)));
            CountDownLatch disconnected = new CountDownLatch(2); // commands and pub/sub
            client.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                    disconnected.countDown();
                }
            });
            own.stopServer();
            assertTrue(disconnected.await(GUARD.toSeconds(), TimeUnit.SECONDS), "the client never saw Redis go");

            try (Lease lease = a.lockManager().acquire(KEY, TTL, GUARD).orElseThrow()) {
                assertTrue(lease.fence() > 0);
            }
            assertEquals(1, a.outage().failedCalls(), "rejected at once, not retried");
        } finally {
            own.close();
        }
    }

    private void pauseWrites() {
        client("PAUSE", "600000", "WRITE");
    }

    private void unpause() {
        client("UNPAUSE");
    }

    /** {@code CLIENT …} as Redis 6.2 spells it; Lettuce 6 has no method for the WRITE mode or for UNPAUSE. */
    private void client(String... arguments) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (String argument : arguments) {
            args.add(argument);
        }
        fixture.raw().sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), args);
    }

    private static void awaitTrue(BooleanSupplier condition, String never) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, never);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static AccessToken token() {
        return new AccessToken("tok", "Bearer", Instant.now(), Instant.now().plusSeconds(3600));
    }
}
