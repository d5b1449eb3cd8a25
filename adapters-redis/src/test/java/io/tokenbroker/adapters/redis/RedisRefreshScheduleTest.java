package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.api.sync.RedisCommands;
import io.tokenbroker.application.contract.RefreshScheduleContract;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.application.port.out.RefreshSchedule.Warned;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
}
