package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes.Outcome;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.DelegatingConnections;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ReconnectWarning;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Refresh-ahead on a frozen clock: refreshes run on a queue the test drains, so "in flight" is whatever the test has
 * not run yet, and nothing depends on timing. A second service over the same schedule, cache and connections stands
 * for a second instance.
 */
class ProactiveRefreshServiceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final RefreshPolicy POLICY = RefreshPolicy.defaults();
    private static final Duration CLAIM_FOR = Duration.ofMinutes(1);

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(100);
    private final CountingSchedule schedule = new CountingSchedule(new InMemoryRefreshSchedule());
    private final RecordedOutcomes outcomes = new RecordedOutcomes();
    private final List<Runnable> queued = new ArrayList<>();
    private final GetAccessTokenService core = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, issuer, new InMemoryLockManager(), refreshLog, new InMemoryReauthorisations(),
            events, TokenRequestOutcomes.ignore()), new GetAccessTokenService.Settings(POLICY,
            new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD), ResilienceTestData.noRetries()), clock,
            new VirtualPause(clock));
    // Backoff with a fixed draw: the ceiling, so the retry time is known.
    private final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(30), new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    });
    private final ProactiveRefreshSettings settings =
            new ProactiveRefreshSettings(Duration.ofHours(24), 2, backoff, CLAIM_FOR, Duration.ofDays(1),
                    Duration.ZERO);
    private final Instance service = instance(queued::add);

    /** One instance's refresh-ahead: the serving decorator and the due-refresh use case over one set of offers. */
    private final class Instance {
        private final ProactiveRefreshService serving;
        private final RefreshDueConnectionsService due;

        Instance(RefreshConnection refresher, Connections vault, Executor executor) {
            ScheduleOffers offers = new ScheduleOffers(schedule, POLICY, clock);
            serving = new ProactiveRefreshService(core, core, offers);
            due = new RefreshDueConnectionsService(
                    new RefreshDueConnectionsService.Ports(refresher, schedule, tokens, vault, events, outcomes), offers,
                    POLICY, settings, ReconnectWarning.NONE, clock, new VirtualPause(clock), executor);
        }

        AccessToken get(GetAccessToken.Query query) {
            return serving.get(query);
        }

        int runDue() {
            return due.refreshDue();
        }

        int inFlight() {
            return due.status().inFlight();
        }

        Instant lastRun() {
            return due.status().lastRun();
        }

        Optional<Duration> lastLag() {
            return due.status().lastLag();
        }
    }

    private Instance instance(Executor executor) {
        return new Instance(core, connections, executor);
    }

    private AccessToken get(ConnectionKey key) {
        return service.get(new GetAccessToken.Query(key));
    }

    private void drain() {
        while (!queued.isEmpty()) {
            List<Runnable> now = new ArrayList<>(queued);
            queued.clear();
            now.forEach(Runnable::run);
        }
    }

    private List<Trigger> triggers(ConnectionKey key) {
        return refreshLog.recent(key, 100).stream().map(RefreshAttempt::trigger).toList();
    }

    private static UpstreamException unavailable() {
        return new UpstreamException.Unavailable("the token endpoint answered 503", OptionalInt.of(503),
                Optional.empty(), Optional.empty(), null);
    }

    @Test
    void aTokenIsRenewedAtItsRefreshAheadPointAndCallersThenHitTheCache() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);

        clock.set(POLICY.refreshAheadAt(first).minusMillis(1));
        assertEquals(0, service.runDue(), "not due a millisecond early");

        clock.set(POLICY.refreshAheadAt(first).plusSeconds(3));
        assertEquals(1, service.runDue());
        drain();

        AccessToken renewed = get(KEY);
        assertNotEquals(first, renewed);
        assertEquals(2, issuer.calls(), "the caller did not wait for an upstream: the token was renewed ahead");
        assertEquals(List.of(Trigger.PROACTIVE, Trigger.REQUEST), triggers(KEY));
        assertEquals(1, schedule.size(), "the renewed token is scheduled in turn");
        assertEquals(List.of(Duration.ofSeconds(3)), outcomes.lags, "claimed three seconds after it was due");
        assertEquals(Optional.of(Duration.ofSeconds(3)), service.lastLag());
        assertEquals(List.of(Outcome.REFRESHED), outcomes.outcomes);
    }

    @Test
    void anEntryFallingDueBeforeTheNextLookIsClaimedNowAndRefreshedAtItsDueTime() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        VirtualPause pause = new VirtualPause(clock);
        ProactiveRefreshSettings lookingAhead = new ProactiveRefreshSettings(Duration.ofHours(24), 2, backoff,
                CLAIM_FOR, Duration.ofDays(1), Duration.ofSeconds(2));
        RefreshDueConnectionsService ahead = new RefreshDueConnectionsService(
                new RefreshDueConnectionsService.Ports(core, schedule, tokens, connections, events, outcomes),
                new ScheduleOffers(schedule, POLICY, clock), POLICY, lookingAhead, ReconnectWarning.NONE, clock,
                pause, Runnable::run);
        Instant dueAt = POLICY.refreshAheadAt(first);

        clock.set(dueAt.minusSeconds(3));
        assertEquals(0, ahead.refreshDue(), "due after the next look");
        clock.set(dueAt.minusMillis(1500));
        assertEquals(1, ahead.refreshDue(), "due before the next look: claimed at this one");

        assertEquals(List.of(Duration.ofMillis(1500)), pause.pauses(), "the refresh waited for the due time");
        assertEquals(2, issuer.calls(), "renewed, not skipped as not yet due");
        assertEquals(List.of(Trigger.PROACTIVE, Trigger.REQUEST), triggers(KEY));
        assertEquals(List.of(Duration.ZERO), outcomes.lags, "claimed ahead: no lag");
        assertNotEquals(first, get(KEY));
        assertEquals(2, issuer.calls(), "the next caller hit the cache");
    }

    @Test
    void atMostConcurrencyRefreshesRunAndAWorkerThatFinishesTakesTheNextDueEntrySoonestFirst() {
        List<ConnectionKey> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ConnectionKey key = ConnectionKey.of("acme", "c" + i);
            keys.add(key);
            connections.save(aConnection().withKey(key).build());
            get(key);
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofHours(1));
        int callsBefore = issuer.calls();

        assertEquals(2, service.runDue(), "two slots");
        assertEquals(2, service.inFlight());
        assertEquals(0, service.runDue(), "no free slot while both run");
        drain();

        assertEquals(0, service.inFlight());
        // The first worker refreshes c0 and then, as it finishes each, the soonest still due: c2, c3, c4. The
        // second worker runs c1 when the test gets to it, and finds nothing left.
        List<ConnectionKey> order = issuer.seen().subList(callsBefore, issuer.calls()).stream()
                .map(connection -> connection.key()).toList();
        assertEquals(List.of(keys.get(0), keys.get(2), keys.get(3), keys.get(4), keys.get(1)), order);
        for (ConnectionKey key : keys) {
            assertEquals(Trigger.PROACTIVE, triggers(key).get(0), key.toString());
        }
    }

    @Test
    void aFailedRefreshIsRetriedAfterBackoff() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        issuer.failNext(unavailable());
        clock.set(POLICY.refreshAheadAt(first));
        service.runDue();
        drain();
        Instant failedAt = clock.instant();

        clock.set(failedAt.plus(backoff.ceiling(1)).minusMillis(1));
        // Also the first request in a minute: it records demand and offers the same token again.
        assertEquals(first, get(KEY), "callers are still served the old token meanwhile");
        assertEquals(0, service.runDue(), "not before the backoff, however many callers were served");
        clock.set(failedAt.plus(backoff.ceiling(1)));
        assertEquals(1, service.runDue());
        drain();

        assertEquals(List.of(Trigger.PROACTIVE, Trigger.PROACTIVE, Trigger.REQUEST), triggers(KEY));
        assertEquals(RefreshAttempt.Outcome.SUCCESS, refreshLog.recent(KEY, 1).get(0).outcome());
        assertEquals(List.of(Outcome.FAILED, Outcome.REFRESHED), outcomes.outcomes);
    }

    @Test
    void cacheHitsRecordDemandAtMostOnceAMinuteAndOfferEachTokenOnce() {
        connections.save(aConnection().withKey(KEY).build());

        for (int i = 0; i < 100; i++) {
            get(KEY);
            clock.advance(Duration.ofMillis(500));
        }

        assertEquals(1, issuer.calls());
        assertEquals(1, schedule.demands.get(), "50 seconds of hits, one demand write");
        assertEquals(1, schedule.offers.get());
        assertEquals(1, schedule.requestPathCalls.get(), "demand and offer in one call to the schedule");
        clock.advance(Duration.ofSeconds(10));
        get(KEY);
        assertEquals(2, schedule.demands.get(), "a minute later, one more");
        assertEquals(2, schedule.offers.get(), "with the token offered again, in case the schedule lost it");
        assertEquals(2, schedule.requestPathCalls.get());
    }

    @Test
    void theRequestPathLeavesScheduleWritesToTheWriterCoalescedPerConnection() {
        connections.save(aConnection().withKey(KEY).build());
        connections.save(aConnection().withKey(ConnectionKey.of("acme", "erp")).build());
        List<Runnable> writer = new ArrayList<>();
        ScheduleOffers offers = new ScheduleOffers(schedule, POLICY, clock, writer::add);
        ProactiveRefreshService serving = new ProactiveRefreshService(core, core, offers);

        serving.get(new GetAccessToken.Query(KEY, Duration.ZERO));
        clock.advance(Duration.ofMinutes(2));
        serving.get(new GetAccessToken.Query(KEY, Duration.ZERO));
        serving.get(new GetAccessToken.Query(ConnectionKey.of("acme", "erp"), Duration.ZERO));

        assertEquals(0, schedule.requestPathCalls.get(), "no request waited for the schedule");
        assertEquals(1, writer.size(), "one drain queued for every pending write");
        writer.remove(0).run();
        assertEquals(2, schedule.requestPathCalls.get(), "one write per connection, the newer demand kept");
        assertEquals(2, schedule.demands.get());
        assertEquals(2, schedule.size());
    }

    @Test
    void dueWorkWritesWhatThisInstanceOfferedBeforeItReadsTheSchedule() {
        connections.save(aConnection().withKey(KEY).build());
        List<Runnable> writer = new ArrayList<>();
        ScheduleOffers offers = new ScheduleOffers(schedule, POLICY, clock, writer::add);
        ProactiveRefreshService serving = new ProactiveRefreshService(core, core, offers);
        RefreshDueConnectionsService due = new RefreshDueConnectionsService(
                new RefreshDueConnectionsService.Ports(core, schedule, tokens, connections, events, outcomes), offers,
                POLICY, settings, ReconnectWarning.NONE, clock, new VirtualPause(clock), queued::add);

        serving.get(new GetAccessToken.Query(KEY, Duration.ZERO));
        clock.advance(Duration.ofMinutes(50));

        assertEquals(1, due.refreshDue(), "the offer still waiting for the writer was written first");
    }

    @Test
    void demandIsSharedSoTheInstanceThatClaimsRefreshesAConnectionOnlyAnotherInstanceServes() {
        List<Runnable> otherQueue = new ArrayList<>();
        Instance other = instance(otherQueue::add);
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);

        clock.set(POLICY.refreshAheadAt(first));
        assertEquals(1, other.runDue(), "in demand: this instance was asked, the other claims");
        otherQueue.forEach(Runnable::run);

        assertEquals(2, issuer.calls());
        assertEquals(List.of(Trigger.PROACTIVE, Trigger.REQUEST), triggers(KEY));
    }

    @Test
    void aClaimAbandonedByADeadInstanceIsTakenOverOnceItRunsOut() {
        Instance survivor = instance(Runnable::run);
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        clock.set(POLICY.refreshAheadAt(first));
        assertEquals(1, service.runDue());
        queued.clear(); // the instance dies with its refresh never run

        assertEquals(0, survivor.runDue(), "claimed by the dead instance");
        clock.advance(CLAIM_FOR);
        assertEquals(1, survivor.runDue());

        assertEquals(2, issuer.calls());
        assertNotEquals(first, get(KEY));
    }

    @Test
    void aConnectionNobodyAskedForInADayWithoutARefreshTokenExpiryIsDroppedUntilSomeoneAsksAgain() {
        connections.save(aConnection().withKey(KEY).build());
        get(KEY);
        clock.advance(Duration.ofHours(25));

        assertEquals(1, service.runDue(), "claimed and handed to a worker, which finds it idle");
        drain();
        assertEquals(0, schedule.size(), "dropped, not kept for ever");
        assertEquals(1, issuer.calls());
        assertEquals(List.of(Outcome.IDLE), outcomes.outcomes);

        get(KEY);
        assertEquals(1, schedule.size(), "asking again schedules it again");
    }

    @Test
    void anIdleConnectionsRollingRefreshTokenIsRenewedOnceBeforeItExpiresAndNotBefore() {
        issuer.rotateRefreshTokens(Duration.ofDays(100));
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-initial").build());
        Instant start = clock.instant();
        get(KEY);
        Instant refreshTokenExpiry = connections.refreshTokenExpiresAt(KEY).orElseThrow();
        assertEquals(start.plus(Duration.ofDays(100)), refreshTokenExpiry);

        clock.advance(Duration.ofHours(25));
        service.runDue();
        drain();
        assertEquals(1, issuer.calls(), "idle: not refreshed ahead");
        assertEquals(1, schedule.size(), "but parked, not dropped");
        Instant keepAliveAt = refreshTokenExpiry.minus(Duration.ofDays(1)); // a tenth of 100 days, capped at 1 day
        clock.set(keepAliveAt.minusMillis(1));
        assertEquals(0, service.runDue());
        assertEquals(1, issuer.calls());

        clock.set(keepAliveAt);
        assertEquals(1, service.runDue());
        drain();

        assertEquals(2, issuer.calls(), "one refresh, with the refresh token");
        assertEquals(Optional.of(keepAliveAt.plus(Duration.ofDays(100))), connections.refreshTokenExpiresAt(KEY),
                "rolled forward");
        clock.advance(Duration.ofHours(1));
        service.runDue();
        drain();
        assertEquals(2, issuer.calls(), "the new token is not refreshed ahead either: still idle");
        assertEquals(List.of(Outcome.IDLE, Outcome.KEPT_ALIVE, Outcome.IDLE), outcomes.outcomes);
    }

    @Test
    void aFailingProactiveRefreshWarnsOnceNearExpiryAndOnceOnExpiryPerToken() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        issuer.failNext(1_000, unavailable());
        clock.set(POLICY.refreshAheadAt(first));

        Instant end = first.expiresAt().plus(Duration.ofMinutes(3));
        while (clock.instant().isBefore(end)) {
            service.runDue();
            drain();
            clock.advance(Duration.ofSeconds(5));
        }

        // Oldest first, and only the scheduler's: the token service may publish events of its own.
        List<ConnectionEvent> published = new ArrayList<>(events.recent(100).stream()
                .filter(event -> event.type() == ConnectionEvent.Type.NEAR_EXPIRY
                        || event.type() == ConnectionEvent.Type.TOKEN_EXPIRED).toList());
        Collections.reverse(published);
        assertEquals(List.of(ConnectionEvent.Type.NEAR_EXPIRY, ConnectionEvent.Type.TOKEN_EXPIRED),
                published.stream().map(ConnectionEvent::type).toList(), "once each, however many retries");
        Optional<Instant> expiry = Optional.of(first.expiresAt().truncatedTo(ChronoUnit.MILLIS));
        assertEquals(List.of(expiry, expiry), published.stream().map(ConnectionEvent::expiresAt).toList(),
                "both about the token that expires");
        Instant serveUntil = POLICY.serveUntil(first);
        Instant nearAt = published.get(0).at();
        assertTrue(!nearAt.isBefore(serveUntil) && nearAt.isBefore(serveUntil.plus(backoff.ceiling(3))),
                "at the first retry inside the hard buffer: " + nearAt);
        Instant expiredAt = published.get(1).at();
        assertTrue(!expiredAt.isBefore(first.expiresAt())
                && expiredAt.isBefore(first.expiresAt().plus(backoff.ceiling(3))), "at the first retry after expiry");
        assertTrue(outcomes.outcomes.size() > 10, "it kept trying: " + outcomes.outcomes.size());
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

    @Test
    void aProactiveRefreshStartedALittleBeforeTheTokensPointStillRenewsIt() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        // Claimed ahead, or scheduled by an instance whose clock runs 100 ms ahead of this one's.
        clock.set(POLICY.refreshAheadAt(first).minusMillis(100));

        AccessToken renewed = core.refresh(new RefreshConnection.Command(KEY, RefreshConnection.Reason.PROACTIVE));

        assertNotEquals(first, renewed, "the token it was scheduled for is renewed, not left as not yet due");
        assertEquals(2, issuer.calls());
        assertEquals(List.of(Trigger.PROACTIVE, Trigger.REQUEST), triggers(KEY));
    }

    @Test
    void aRemovedConnectionLeavesTheSchedule() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get(KEY);
        connections.remove(KEY);
        clock.set(POLICY.refreshAheadAt(first));

        service.runDue();
        drain();

        assertEquals(0, schedule.size());
        assertEquals(List.of(Outcome.GONE), outcomes.outcomes);
    }

    @Test
    void runDueNotesWhenItLastRanAndWhenItFinished() {
        Instant created = clock.instant();
        assertEquals(created, service.lastRun(), "its start counts until the first run");
        clock.advance(Duration.ofSeconds(7));

        service.runDue();
        assertEquals(created.plusSeconds(7), service.lastRun());

        schedule.claimTakes = Duration.ofSeconds(5); // a store that answers at the end of its command timeout
        service.runDue();
        assertEquals(created.plusSeconds(12), service.lastRun(), "a run that waited is still a heartbeat");
    }

    @Test
    void aDatabaseThatHangsOnAnIdleConnectionHoldsAWorkerNeverTheTicker() throws InterruptedException {
        Thread ticker = Thread.currentThread();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Connections hangingVault = new DelegatingConnections(connections) {
            @Override
            public Optional<Instant> refreshTokenExpiresAt(ConnectionKey key) {
                if (Thread.currentThread() == ticker) {
                    throw new AssertionError("the database was read on the ticker's thread");
                }
                entered.countDown();
                try {
                    release.await(); // a database outage: Hikari waits its connection timeout
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
                return super.refreshTokenExpiresAt(key);
            }
        };
        ExecutorService workers = Executors.newFixedThreadPool(settings.concurrency());
        Instance scheduler = new Instance(core, hangingVault, workers);
        try {
            connections.save(aConnection().withKey(KEY).build());
            scheduler.get(new GetAccessToken.Query(KEY));
            clock.advance(Duration.ofHours(25)); // idle: its triage reads the refresh token's expiry

            assertEquals(1, scheduler.runDue());
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the worker reached the database");
            clock.advance(CLAIM_FOR.minusSeconds(1)); // the old ticker would still be waiting for the first answer
            assertEquals(0, scheduler.runDue(), "nothing else due, and the claim has not run out");

            assertEquals(clock.instant(), scheduler.lastRun(), "the ticks go on while the database hangs");
            assertEquals(1, scheduler.inFlight(), "the idle triage holds one slot");
        } finally {
            release.countDown();
            workers.shutdown();
            assertTrue(workers.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(0, scheduler.inFlight());
        assertEquals(0, schedule.size(), "dropped once the database answered: no refresh token expiry");
        assertEquals(List.of(Outcome.IDLE), outcomes.outcomes);
    }

    @Test
    void anInterruptedWorkerHandsItsEntryBackWithoutAFailureOrAnEventAndStaysInterrupted() {
        RefreshConnection stopping = command -> {
            // What the token service's Redis calls do when the executor shuts down under them.
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for Redis");
        };
        Instance scheduler = new Instance(stopping, connections, queued::add);
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = scheduler.get(new GetAccessToken.Query(KEY));
        clock.set(first.expiresAt().plusSeconds(1)); // a failure now would announce TOKEN_EXPIRED

        assertEquals(1, scheduler.runDue());
        drain();

        assertTrue(Thread.interrupted(), "the interrupt is kept for the executor to see");
        assertEquals(List.of(), outcomes.outcomes, "not counted as failed");
        assertEquals(List.of(ConnectionEvent.Type.TOKEN_REFRESHED), events.recent(100).stream()
                .map(ConnectionEvent::type).toList(), "no expiry announced");
        List<RefreshSchedule.Claim> again = schedule.claimDue(clock.instant(), 10, clock.instant().plus(CLAIM_FOR));
        assertEquals(1, again.size(), "handed back, due at once for whoever claims next");
        assertEquals(0, again.get(0).entry().failures());
        assertEquals(RefreshSchedule.Warned.NOTHING, again.get(0).entry().warned());
    }

    @Test
    void anIdleWindowNotWellAboveTheDemandResolutionIsRefusedAtStartUp() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new ProactiveRefreshSettings(Duration.ofSeconds(90), 2, backoff, CLAIM_FOR,
                        Duration.ofDays(1), Duration.ZERO));

        assertEquals("idleAfter is PT1M30S but must be at least PT5M: demand is recorded about once a minute per "
                + "connection, so a shorter window would make connections in constant use look idle",
                refused.getMessage());
        assertEquals(ProactiveRefreshSettings.MIN_IDLE_AFTER, new ProactiveRefreshSettings(
                ProactiveRefreshSettings.MIN_IDLE_AFTER, 2, backoff, CLAIM_FOR, Duration.ofDays(1), Duration.ZERO)
                .idleAfter());
    }

    /**
     * Counts the writes the request path makes (cache hits must stay nearly write-free); its claims can take time on
     * the test's clock, like a slow store.
     */
    private final class CountingSchedule implements RefreshSchedule {

        private final RefreshSchedule delegate;
        final AtomicInteger demands = new AtomicInteger();
        final AtomicInteger offers = new AtomicInteger();
        final AtomicInteger requestPathCalls = new AtomicInteger();
        volatile Duration claimTakes = Duration.ZERO;

        CountingSchedule(RefreshSchedule delegate) {
            this.delegate = delegate;
        }

        @Override
        public void schedule(Entry entry) {
            delegate.schedule(entry);
        }

        @Override
        public boolean offer(Entry entry) {
            offers.incrementAndGet();
            requestPathCalls.incrementAndGet();
            return delegate.offer(entry);
        }

        @Override
        public boolean offerAsked(Entry entry, Instant askedAt) {
            demands.incrementAndGet();
            offers.incrementAndGet();
            requestPathCalls.incrementAndGet();
            return delegate.offerAsked(entry, askedAt);
        }

        @Override
        public List<Claim> claimDue(Instant now, int max, Instant claimedUntil) {
            clock.advance(claimTakes);
            return delegate.claimDue(now, max, claimedUntil);
        }

        @Override
        public void recordDemand(ConnectionKey key, Instant at) {
            demands.incrementAndGet();
            requestPathCalls.incrementAndGet();
            delegate.recordDemand(key, at);
        }

        @Override
        public void remove(ConnectionKey key) {
            delegate.remove(key);
        }

        @Override
        public int size() {
            return delegate.size();
        }
    }

    /** Passes everything to the in-memory vault; a test overrides what it makes misbehave. */
    private static final class RecordedOutcomes implements ProactiveRefreshOutcomes {

        final List<Duration> lags = new CopyOnWriteArrayList<>();
        final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

        @Override
        public void claimed(Duration lag) {
            lags.add(lag);
        }

        @Override
        public void finished(Outcome outcome) {
            outcomes.add(outcome);
        }
    }
}
