package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryRefreshSchedule;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Refresh-ahead on a frozen clock: refreshes run on a queue the test drains, so "in flight" is whatever the test has
 * not run yet, and nothing depends on timing.
 */
class ProactiveRefreshServiceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final RefreshPolicy POLICY = RefreshPolicy.defaults();

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final InMemoryRefreshSchedule schedule = new InMemoryRefreshSchedule();
    private final List<Runnable> queued = new ArrayList<>();
    private final GetAccessTokenService core = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, issuer, new InMemoryLockManager(), refreshLog, new InMemoryReauthorisations(),
            new InMemoryConnectionEvents(10), TokenRequestOutcomes.ignore()), new GetAccessTokenService.Settings(POLICY,
            new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD), ResilienceTestData.noRetries()), clock,
            new VirtualPause(clock));
    // Backoff with a fixed draw: the ceiling, so the retry time is known.
    private final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    });
    private final ProactiveRefreshService service = new ProactiveRefreshService(core, core, schedule, POLICY, clock,
            new ProactiveRefreshService.Settings(Duration.ofHours(24), 2, backoff), queued::add);

    private AccessToken get(ConnectionKey key) {
        return service.get(new GetAccessToken.Query(key));
    }

    private void drain() {
        List<Runnable> now = new ArrayList<>(queued);
        queued.clear();
        now.forEach(Runnable::run);
    }

    private List<Trigger> triggers(ConnectionKey key) {
        return refreshLog.recent(key, 100).stream().map(RefreshAttempt::trigger).toList();
    }

    @Test
    void aTokenIsRenewedAtItsRefreshAheadPointAndCallersThenHitTheCache() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);

        clock.set(POLICY.refreshAheadAt(first).minusMillis(1));
        assertEquals(0, service.runDue(), "not due a millisecond early");

        clock.set(POLICY.refreshAheadAt(first));
        assertEquals(1, service.runDue());
        drain();

        AccessToken renewed = get(KEY);
        assertNotEquals(first, renewed);
        assertEquals(2, issuer.calls(), "the caller did not wait for an upstream: the token was renewed ahead");
        assertEquals(List.of(Trigger.PROACTIVE, Trigger.REQUEST), triggers(KEY));
        assertEquals(1, schedule.size(), "the renewed token is scheduled in turn");
    }

    @Test
    void dueWorkIsTakenSoonestFirstWithBoundedConcurrency() {
        List<ConnectionKey> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ConnectionKey key = ConnectionKey.of("acme", "c" + i);
            keys.add(key);
            connections.save(aConnection().withKey(key).build());
            get(key);
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofHours(1));

        assertEquals(2, service.runDue(), "two slots");
        assertEquals(0, service.runDue(), "no free slot while both run");
        drain();
        assertEquals(2, service.runDue());
        drain();
        assertEquals(1, service.runDue());
        drain();

        assertEquals(0, service.inFlight());
        for (ConnectionKey key : keys) {
            assertEquals(Trigger.PROACTIVE, triggers(key).get(0), key.toString());
        }
    }

    @Test
    void aFailedRefreshIsRetriedAfterBackoff() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        issuer.failNext(new UpstreamException.Unavailable("the token endpoint answered 503", OptionalInt.of(503),
                Optional.empty(), Optional.empty(), null));
        clock.set(POLICY.refreshAheadAt(first));
        service.runDue();
        drain();
        Instant failedAt = clock.instant();

        clock.set(failedAt.plus(backoff.ceiling(1)).minusMillis(1));
        assertEquals(first, get(KEY), "callers are still served the old token meanwhile");
        assertEquals(0, service.runDue(), "not before the backoff, however many callers were served");
        clock.set(failedAt.plus(backoff.ceiling(1)));
        assertEquals(1, service.runDue());
        drain();

        assertEquals(List.of(Trigger.PROACTIVE, Trigger.PROACTIVE, Trigger.REQUEST), triggers(KEY));
        assertEquals(RefreshAttempt.Outcome.SUCCESS, refreshLog.recent(KEY, 1).get(0).outcome());
    }

    @Test
    void aConnectionNobodyAskedForInADayIsNotRefreshedUntilSomeoneAsksAgain() {
        connections.save(aConnection().withKey(KEY).build());
        get(KEY);
        clock.advance(Duration.ofHours(25));

        assertEquals(0, service.runDue());
        assertEquals(0, schedule.size(), "dropped, not kept for ever");
        assertEquals(1, issuer.calls());

        get(KEY);
        assertEquals(1, schedule.size(), "asking again schedules it again");
    }

    @Test
    void aProactiveRefreshSkipsTheUpstreamWhenTheTokenWasJustRenewedElsewhere() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        clock.set(POLICY.refreshAheadAt(first));
        service.runDue();
        // Another instance renews it before this one's refresh runs.
        core.refresh(RefreshConnection.Command.manual(KEY));
        drain();

        assertEquals(2, issuer.calls(), "the manual refresh only; the proactive one found a token not yet due");
    }
}
