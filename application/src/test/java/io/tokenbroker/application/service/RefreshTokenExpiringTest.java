package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ReconnectWarning;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@code refresh_token_expiring} on a frozen clock, through the real keep-alive: an idle connection whose refresh
 * token has a provider-stated expiry is walked through time in steps, the scheduler running (synchronously) at each.
 */
class RefreshTokenExpiringTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "books");
    private static final RefreshPolicy POLICY = RefreshPolicy.defaults();
    private static final Duration WINDOW = Duration.ofDays(14);

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(1000);
    private final InMemoryRefreshSchedule schedule = new InMemoryRefreshSchedule();
    private final GetAccessTokenService core = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, issuer, new InMemoryLockManager(), new InMemoryRefreshLog(100),
            new InMemoryReauthorisations(), events, TokenRequestOutcomes.ignore()),
            new GetAccessTokenService.Settings(POLICY, new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD),
                    ResilienceTestData.noRetries()), clock, new VirtualPause(clock));
    private final ProactiveRefreshSettings settings = new ProactiveRefreshSettings(Duration.ofHours(24), 2,
            new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(30), RandomGenerator.getDefault()),
            Duration.ofMinutes(1), Duration.ofDays(1), Duration.ZERO);
    private final ScheduleOffers offers = new ScheduleOffers(schedule, POLICY, clock);
    private final ProactiveRefreshService serving = new ProactiveRefreshService(core, core, offers);
    private final RefreshDueConnectionsService due = new RefreshDueConnectionsService(
            new RefreshDueConnectionsService.Ports(core, schedule, tokens, connections, events,
                    ProactiveRefreshOutcomes.ignore()), offers, POLICY, settings, new ReconnectWarning(WINDOW), clock,
            new VirtualPause(clock), Runnable::run);

    @Test
    void aHardCapIsAnnouncedOnceWhenTheRefreshTokenEntersTheWindowNotAtTheLastKeepAlive() {
        Instant expiry = grantExpiringIn(Duration.ofDays(30)); // the provider says so once; refreshing never moves it

        runUntil(expiry.minus(WINDOW).minus(Duration.ofHours(1)));
        assertEquals(List.of(), expiring(), "outside the window: nothing to say");
        int callsBefore = issuer.calls();

        runUntil(expiry.minus(Duration.ofHours(2)));

        assertTrue(issuer.calls() >= callsBefore + 2, "probed at the window, kept alive before the expiry");
        List<ConnectionEvent> warnings = expiring();
        assertEquals(1, warnings.size(), "once, though every keep-alive found the same cap: " + warnings);
        ConnectionEvent warning = warnings.get(0);
        assertEquals(Optional.of(expiry), warning.expiresAt());
        assertEquals(expiry.minus(WINDOW), warning.at(), "as soon as it entered the window");
        assertTrue(warning.detail().startsWith("hard_cap: "), warning.detail());
        assertTrue(warning.detail().endsWith("reconnect with POST /v1/tenants/acme/connections/books/connect"),
                warning.detail());
    }

    @Test
    void aFailingKeepAliveInsideTheWindowIsAnnouncedOnceHoweverOftenItIsRetried() {
        Instant expiry = grantExpiringIn(Duration.ofDays(30));
        runUntil(expiry.minus(WINDOW).minusSeconds(1));
        issuer.failNext(1_000, new UpstreamException.Unavailable("the token endpoint answered 503",
                OptionalInt.of(503), Optional.empty(), Optional.empty(), null));

        runUntil(expiry.minus(WINDOW).plus(Duration.ofHours(1)), Duration.ofSeconds(30));

        List<ConnectionEvent> warnings = expiring();
        assertEquals(1, warnings.size(), "once across every retry: " + warnings);
        assertTrue(warnings.get(0).detail().startsWith("refresh_failed: "), warnings.get(0).detail());
        assertEquals(Optional.of(expiry), warnings.get(0).expiresAt());
        assertTrue(issuer.calls() > 10, "it kept trying: " + issuer.calls());
    }

    @Test
    void aRollingRefreshTokenTheKeepAliveExtendsIsNeverAnnounced() {
        issuer.rotateRefreshTokens(Duration.ofDays(100));
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-initial").build());
        serving.get(new GetAccessToken.Query(KEY));
        Instant first = connections.refreshTokenExpiresAt(KEY).orElseThrow();

        runUntil(first.plus(Duration.ofDays(10)));

        assertEquals(List.of(), expiring());
        assertTrue(connections.refreshTokenExpiresAt(KEY).orElseThrow().isAfter(clock.instant().plus(WINDOW)),
                "renewed as planned, once it entered the window");
    }

    @Test
    void aRollingRefreshTokenShorterThanTheWindowIsKeptAliveWithoutWarningsOrExtraRefreshes() {
        issuer.rotateRefreshTokens(Duration.ofDays(7));
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-initial").build());
        serving.get(new GetAccessToken.Query(KEY));
        Instant idleFrom = clock.instant().plus(settings.idleAfter()).plus(Duration.ofHours(1));

        runUntil(clock.instant().plus(Duration.ofDays(30)));

        assertEquals(List.of(), expiring());
        long keepAlives = events.recent(1000).stream()
                .filter(event -> event.type() == ConnectionEvent.Type.TOKEN_REFRESHED)
                .filter(event -> event.at().isAfter(idleFrom)).count();
        assertEquals(4, keepAlives, "idle: one keep-alive every 6.3 days (a tenth of its 7 days before expiry)");
        assertTrue(connections.refreshTokenExpiresAt(KEY).orElseThrow().isAfter(clock.instant()), "still alive");
    }

    @Test
    void aReconnectThatMovesTheExpiryReArmsTheWarning() {
        Instant expiry = grantExpiringIn(Duration.ofDays(30));
        runUntil(expiry.minus(Duration.ofDays(3)));
        assertEquals(1, expiring().size());

        // What a completed connect link stores: a new grant, a new provider-stated expiry.
        Instant reconnected = clock.instant().plus(Duration.ofDays(30));
        connections.saveRotation(KEY, Secret.of("rt-reconnected"), Optional.of(reconnected),
                connections.highestFence(KEY) + 1);
        runUntil(reconnected.minus(Duration.ofDays(3)));

        List<ConnectionEvent> warnings = expiring();
        assertEquals(2, warnings.size(), "once more, about the new grant: " + warnings);
        assertEquals(Optional.of(reconnected), warnings.get(0).expiresAt(), "newest first");
        assertEquals(Optional.of(expiry), warnings.get(1).expiresAt());
    }

    @Test
    void withoutAWindowNothingIsAnnounced() {
        RefreshDueConnectionsService quiet = new RefreshDueConnectionsService(
                new RefreshDueConnectionsService.Ports(core, schedule, tokens, connections, events,
                        ProactiveRefreshOutcomes.ignore()), offers, POLICY, settings, ReconnectWarning.NONE, clock,
                new VirtualPause(clock), Runnable::run);
        Instant expiry = grantExpiringIn(Duration.ofDays(30));

        while (clock.instant().isBefore(expiry.minus(Duration.ofHours(2)))) {
            quiet.refreshDue();
            clock.advance(Duration.ofHours(1));
        }

        assertEquals(List.of(), expiring());
    }

    /** A consented grant whose refresh token the provider says expires {@code life} from now, and one request. */
    private Instant grantExpiringIn(Duration life) {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-consented").build());
        Instant expiry = clock.instant().plus(life);
        connections.saveRotation(KEY, Secret.of("rt-consented"), Optional.of(expiry), 1);
        serving.get(new GetAccessToken.Query(KEY));
        return expiry;
    }

    private void runUntil(Instant end) {
        runUntil(end, Duration.ofHours(1));
    }

    /** Runs the scheduler at every step up to {@code end}, and at every instant something is due in between. */
    private void runUntil(Instant end, Duration step) {
        while (clock.instant().isBefore(end)) {
            due.refreshDue();
            Instant next = clock.instant().plus(step);
            clock.set(next.isAfter(end) ? end : next);
        }
        due.refreshDue();
    }

    private List<ConnectionEvent> expiring() {
        return events.recent(1000).stream()
                .filter(event -> event.type() == ConnectionEvent.Type.REFRESH_TOKEN_EXPIRING).toList();
    }
}
