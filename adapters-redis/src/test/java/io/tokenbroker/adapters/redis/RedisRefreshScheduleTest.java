package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.api.sync.RedisCommands;
import io.tokenbroker.application.contract.RefreshScheduleContract;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Claim;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.application.port.out.RefreshSchedule.Warned;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared schedule against a real Redis; a second adapter set over the same server is a second instance. */
class RedisRefreshScheduleTest extends RefreshScheduleContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected RefreshSchedule newSchedule() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "instance-a").refreshSchedule();
    }

    @Override
    protected RefreshSchedule sameStorage() {
        return fixture.adapters(Clock.systemUTC(), "instance-b").refreshSchedule();
    }

    @Test
    void everythingLivesUnderTheScheduleHashTagAndHoldsNoToken() {
        RefreshSchedule schedule = fixture.adapters(Clock.systemUTC(), "instance-c").refreshSchedule();
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        ConnectionKey key = ConnectionKey.of("acme", "crm");
        schedule.schedule(new Entry(key, t0, 1, t0.minusSeconds(60), t0.plusSeconds(60), Warned.NEAR_EXPIRY));
        schedule.recordDemand(key, t0);

        RedisCommands<String, String> redis = fixture.raw().sync();
        assertEquals(List.of("tb:{schedule}:demand", "tb:{schedule}:entries", "tb:{schedule}:queued"),
                redis.keys("*").stream().sorted().toList());
        assertEquals(Map.of("acme:crm", t0.toEpochMilli() + " 1 " + t0.minusSeconds(60).toEpochMilli() + " "
                + t0.plusSeconds(60).toEpochMilli() + " NEAR_EXPIRY"), redis.hgetall("tb:{schedule}:entries"));
    }

    @Test
    void entriesThisVersionCannotReadAreDroppedWhileTheRestOfTheBatchIsClaimedAndNoOutageIsCounted() {
        RedisAdapters adapters = fixture.adapters(Clock.systemUTC(), "instance-m");
        RefreshSchedule schedule = adapters.refreshSchedule();
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        long ms = t0.toEpochMilli();
        ConnectionKey good = ConnectionKey.of("acme", "good");
        ConnectionKey later = ConnectionKey.of("acme", "later");
        schedule.schedule(new Entry(good, t0.plusSeconds(1), 0, t0, t0.plusSeconds(600), Warned.NOTHING));
        schedule.schedule(new Entry(later, t0.plusSeconds(2), 0, t0, t0.plusSeconds(600), Warned.NOTHING));
        // Behind the adapter's back, all due before the good ones: a warning a newer version knows, a value cut
        // short, plain garbage, and garbage whose claim has run out (the claim script reads its due time).
        RedisCommands<String, String> redis = fixture.raw().sync();
        redis.hset("tb:{schedule}:entries", Map.of(
                "acme:newer", ms + " 0 " + ms + " " + (ms + 600_000) + " ALARMED",
                "acme:short", ms + " 0 " + ms,
                "acme:junk", "garbage",
                "acme:stale", "garbage"));
        redis.zadd("tb:{schedule}:queued", ms - 3000, "acme:newer");
        redis.zadd("tb:{schedule}:queued", ms - 2000, "acme:short");
        redis.zadd("tb:{schedule}:queued", ms - 1000, "acme:junk");
        redis.zadd("tb:{schedule}:claimed", ms - 1, "acme:stale");

        List<Claim> claims = schedule.claimDue(t0.plusSeconds(10), 10, t0.plusSeconds(70));

        assertEquals(List.of(good, later), claims.stream().map(claim -> claim.entry().key()).toList());
        assertEquals(List.of("acme:good", "acme:later"), redis.hkeys("tb:{schedule}:entries").stream().sorted()
                .toList(), "the unreadable entries are gone, not due first for ever");
        assertEquals(List.of("acme:good", "acme:later"), redis.zrange("tb:{schedule}:claimed", 0, -1).stream()
                .sorted().toList());
        assertEquals(0, redis.zcard("tb:{schedule}:queued"));
        assertEquals(0, adapters.outage().failedCalls(), "Redis answered every call");
        assertFalse(adapters.outage().isDown());
    }

    /**
     * Redis busy for longer than the command timeout: the claim times out here but runs there once Redis is free,
     * claiming an entry whose claimer never heard of it. The next claim that gets through hands it out again rather
     * than leave it claimed by nobody until its deadline (in production the claim timeout, minutes).
     */
    @Test
    void anEntryClaimedByACallWhoseReplyNeverCameIsClaimedAgainByTheNextCall() throws Exception {
        RedisAdapters adapters = fixture.adapters(fixture.client(), Clock.systemUTC(), "instance-t",
                new RedisAdapters.Settings("tb", Duration.ofMillis(100), 1_000, Duration.ofSeconds(1)));
        RefreshSchedule schedule = adapters.refreshSchedule();
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        ConnectionKey key = ConnectionKey.of("acme", "lost");
        schedule.schedule(new Entry(key, t0, 0, t0.minusSeconds(60), t0.plusSeconds(600), Warned.NOTHING));
        // Paused, Redis holds the claim until the pause ends, long after the adapter stopped waiting for it; the
        // pause is in force once its reply is here, so the claim cannot slip in first (a busy script sent
        // asynchronously could start after it).
        fixture.raw().sync().clientPause(400);

        assertEquals(List.of(), schedule.claimDue(t0.plusSeconds(10), 10, t0.plusSeconds(70)), "timed out");
        List<String> claimed = List.of();
        long ran = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (claimed.isEmpty() && System.nanoTime() < ran) {
            claimed = fixture.raw().sync().zrange("tb:{schedule}:claimed", 0, -1);
        }
        assertEquals(List.of("acme:lost"), claimed, "the claim ran all the same");

        List<Claim> again = List.of();
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (again.isEmpty() && System.nanoTime() < guard) {
            // Calls while the adapter still counts Redis as down are skipped until its next probe.
            again = schedule.claimDue(t0.plusSeconds(10), 10, t0.plusSeconds(70));
        }
        assertEquals(List.of(key), again.stream().map(claim -> claim.entry().key()).toList(),
                "claimed again at once, not when the lost claim's deadline passes");
    }

    @Test
    void anOfferReplacesAQueuedEntryItCannotRead() {
        RedisAdapters adapters = fixture.adapters(Clock.systemUTC(), "instance-o");
        RefreshSchedule schedule = adapters.refreshSchedule();
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        ConnectionKey key = ConnectionKey.of("acme", "crm");
        RedisCommands<String, String> redis = fixture.raw().sync();
        redis.hset("tb:{schedule}:entries", "acme:crm", "garbage");
        redis.zadd("tb:{schedule}:queued", t0.toEpochMilli(), "acme:crm");
        Entry offered = new Entry(key, t0.plusSeconds(5), 0, t0, t0.plusSeconds(600), Warned.NOTHING);

        assertTrue(schedule.offer(offered));

        assertEquals(List.of(offered), schedule.claimDue(t0.plusSeconds(5), 10, t0.plusSeconds(60)).stream()
                .map(Claim::entry).toList());
        assertEquals(0, adapters.outage().failedCalls());
    }
}
