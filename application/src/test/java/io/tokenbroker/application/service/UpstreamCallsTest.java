package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.resilience.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The upstream-call policy on its own, without the request flow: what one refresh's attempts return, when the
 * circuit's transition is told, what the circuit in-port reads, and how an issuer's failure reaches a caller.
 */
class UpstreamCallsTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration OPEN = Duration.ofSeconds(30);
    private static final long FENCE = 7;

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(10);
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(10);
    private final Connection connection = aConnection().withKey(KEY).withRefreshToken("rt-0").build();

    /** One attempt per refresh and a circuit that opens on the first outage. */
    private final UpstreamCalls calls = new UpstreamCalls(issuer, refreshLog, events, new ResilienceSettings(
            new RetryPolicy(1, Duration.ZERO, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1),
                    RandomGenerator.getDefault())), 1, OPEN, Duration.ZERO), clock, new VirtualPause(clock));

    private static UpstreamException.Unavailable outage(Optional<Duration> retryAfter) {
        return new UpstreamException.Unavailable("answered 503", OptionalInt.of(503), Optional.of("http_503"),
                retryAfter, null);
    }

    private List<ConnectionEvent.Type> published() {
        List<ConnectionEvent.Type> oldestFirst = new ArrayList<>(events.recent(10).stream()
                .map(ConnectionEvent::type).toList());
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    @Test
    void aGrantIsReturnedWithItsAttemptNumberAndAuditedOnlyWhenTheCallerSaysItWasStored() {
        RefreshAttempts attempts = calls.begin(KEY, Trigger.REQUEST, FENCE);

        RefreshAttempts.Granted granted = attempts.next(connection).orElseThrow();

        assertEquals(1, granted.number());
        assertTrue(refreshLog.recent(KEY, 10).isEmpty(), "not stored yet: no success row");
        attempts.recordSuccess(granted);
        RefreshAttempt row = refreshLog.recent(KEY, 10).get(0);
        assertEquals(RefreshAttempt.Outcome.SUCCESS, row.outcome());
        assertEquals(FENCE, row.fence());
    }

    @Test
    void theCircuitHearsOfAGrantOnlyOnceTheCallerStoredItOrFailedTo() {
        issuer.failNext(outage(Optional.empty()));
        calls.begin(KEY, Trigger.REQUEST, FENCE).next(connection);
        clock.advance(OPEN);
        RefreshAttempts probe = calls.begin(KEY, Trigger.REQUEST, FENCE);

        RefreshAttempts.Granted granted = probe.next(connection).orElseThrow();

        assertEquals(CircuitBreaker.State.HALF_OPEN, calls.circuitState(KEY), "not told before the token is stored");
        probe.recordSuccess(granted);
        assertEquals(CircuitBreaker.State.CLOSED, calls.circuitState(KEY));
        assertEquals(ConnectionEvent.Type.CIRCUIT_CLOSED, published().get(published().size() - 1));

        issuer.failNext(outage(Optional.empty()));
        calls.begin(KEY, Trigger.REQUEST, FENCE).next(connection);
        clock.advance(OPEN);
        RefreshAttempts lost = calls.begin(KEY, Trigger.REQUEST, FENCE);
        lost.next(connection).orElseThrow();
        lost.notStored();
        assertEquals(CircuitBreaker.State.CLOSED, calls.circuitState(KEY), "the upstream answered all the same");
    }

    @Test
    void theCircuitsTransitionIsHeldBackUntilTheCallerGivesUpAndThenFollowsTheFailedRefresh() {
        issuer.failNext(outage(Optional.empty()));
        RefreshAttempts attempts = calls.begin(KEY, Trigger.REQUEST, FENCE);

        assertTrue(attempts.next(connection).isEmpty(), "no grant");
        RefreshAttempts.Failed failed = attempts.failed();

        assertEquals(CircuitBreaker.Transition.OPENED, failed.moved());
        assertEquals(List.of(), published(), "nothing told before the caller decides");
        assertEquals(RefreshAttempt.Outcome.FAILURE, refreshLog.recent(KEY, 10).get(0).outcome());
        attempts.giveUp();
        assertEquals(List.of(ConnectionEvent.Type.REFRESH_FAILED, ConnectionEvent.Type.CIRCUIT_OPENED), published());
    }

    @Test
    void tryingAgainTellsTheTransitionButNoFailedRefresh() {
        issuer.failNext(outage(Optional.empty()));
        RefreshAttempts attempts = calls.begin(KEY, Trigger.MANUAL, FENCE);
        assertTrue(attempts.next(connection).isEmpty(), "no grant");

        attempts.tryAgain();

        assertEquals(List.of(ConnectionEvent.Type.CIRCUIT_OPENED), published());
    }

    @Test
    void theCircuitInPortReadsOnlyCircuitsThatAreNotClosed() {
        ConnectionKey neverCalled = ConnectionKey.of("acme", "other");
        issuer.failNext(outage(Optional.empty()));
        calls.begin(KEY, Trigger.REQUEST, FENCE).next(connection);

        assertEquals(CircuitBreaker.State.OPEN, calls.circuitState(KEY));
        assertEquals(CircuitBreaker.State.CLOSED, calls.circuitState(neverCalled));
        assertEquals(Map.of(KEY, CircuitBreaker.State.OPEN), calls.notClosed());
        TokenUnavailableException refused = assertThrows(TokenUnavailableException.class,
                () -> calls.begin(KEY, Trigger.REQUEST, FENCE).next(connection));
        assertEquals(Optional.of(OPEN), refused.retryAfter());
        assertEquals(1, issuer.calls(), "the open circuit refused without a call");
        clock.advance(OPEN);
        assertEquals(Map.of(KEY, CircuitBreaker.State.HALF_OPEN), calls.notClosed());
    }

    @Test
    void anIssuersOutageReachesTheCallerAsUnavailableWithItsCodeWaitAndCause() {
        UpstreamException down = outage(Optional.of(Duration.ofSeconds(5)));

        UpstreamFailedException failure = UpstreamCalls.forCaller(down);

        assertInstanceOf(UpstreamFailedException.Unavailable.class, failure);
        assertEquals(BrokerException.Kind.UNAVAILABLE, failure.kind());
        assertEquals("upstream-unavailable", failure.problemType());
        assertEquals("The provider's token endpoint failed: http_503.", failure.detail());
        assertEquals(Optional.of(Duration.ofSeconds(5)), failure.retryAfter());
        assertSame(down, failure.getCause());
    }

    @Test
    void anIssuersRefusalReachesTheCallerAsRejectedWithoutAWait() {
        UpstreamException refused = new UpstreamException.Rejected("refused", OptionalInt.of(400),
                Optional.of("invalid_grant"));

        UpstreamFailedException failure = UpstreamCalls.forCaller(refused);

        assertInstanceOf(UpstreamFailedException.Rejected.class, failure);
        assertEquals(BrokerException.Kind.REJECTED_UPSTREAM, failure.kind());
        assertEquals("upstream-rejected", failure.problemType());
        assertEquals(Optional.of("invalid_grant"), failure.errorCode());
        assertEquals(Optional.empty(), failure.retryAfter());
        assertSame(refused, failure.getCause());
    }

    @Test
    void anErrorCodeThatIsNotAPlainCodeIsNotShownToTheCaller() {
        UpstreamException refused = new UpstreamException.Rejected("refused", OptionalInt.of(401),
                Optional.of("bad client secret=hunter2"));

        UpstreamFailedException failure = UpstreamCalls.forCaller(refused);

        assertEquals(Optional.empty(), failure.errorCode());
        assertFalse(failure.detail().contains("hunter2"), failure.detail());
    }
}
