package io.tokenbroker.application.service;

import io.tokenbroker.application.inmemory.InMemoryCircuitLedger;
import io.tokenbroker.application.port.in.CircuitStates;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Pause;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.resilience.CircuitPolicy;
import io.tokenbroker.domain.token.TokenGrant;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * How this process calls the token endpoints: a circuit per connection stops calling an upstream that keeps
 * failing and lets one probe through per open period ({@link CircuitPolicy}: short while the outage is young,
 * doubling after); calls for one connection are spaced by a minimum interval; each refresh's attempts
 * ({@link RefreshAttempts}) retry retryable failures with full-jitter backoff or the upstream's {@code Retry-After}.
 * Every attempt is one audit row.
 *
 * <p>The circuits are kept in a {@link CircuitLedger}: shared by every instance when it is, so they all see one
 * circuit and take turns at its probes (each probe also runs under the connection's lease).
 *
 * <p>Events: CIRCUIT_OPENED and CIRCUIT_CLOSED on the circuit's real transitions, told only by the caller whose
 * outcome moved the ledger (one instance, however many share it); REFRESH_FAILED once per refresh that ended
 * without a token, with a failure code that never echoes the upstream's text.
 */
public final class UpstreamCalls implements CircuitStates {

    private static final System.Logger LOG = System.getLogger(UpstreamCalls.class.getName());
    private static final Pattern SAFE_CODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final TokenIssuer issuer;
    private final RefreshLog refreshLog;
    private final ConnectionEvents events;
    private final ResilienceSettings resilience;
    private final Clock clock;
    private final Pause pause;
    private final CircuitLedger circuits;
    private final CircuitsSeen seen;
    private final CircuitPolicy circuitPolicy;
    private final ConcurrentMap<ConnectionKey, Instant> lastUpstreamCall = new ConcurrentHashMap<>();
    private final Set<ConnectionKey> openedHere = ConcurrentHashMap.newKeySet();

    /** Over this process's own circuits. */
    public UpstreamCalls(TokenIssuer issuer, RefreshLog refreshLog, ConnectionEvents events,
                         ResilienceSettings resilience, Clock clock, Pause pause) {
        this(issuer, refreshLog, events, new InMemoryCircuitLedger(), resilience, clock, pause);
    }

    /**
     * @param events   told about circuit transitions and failed refreshes; must not block (the port's contract)
     * @param circuits where the circuits are kept
     * @param pause    waits between attempts and to keep the minimum interval
     */
    public UpstreamCalls(TokenIssuer issuer, RefreshLog refreshLog, ConnectionEvents events, CircuitLedger circuits,
                         ResilienceSettings resilience, Clock clock, Pause pause) {
        this.circuits = Objects.requireNonNull(circuits, "circuits");
        this.seen = new CircuitsSeen(circuits);
        this.circuitPolicy = resilience.circuitPolicy();
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.refreshLog = Objects.requireNonNull(refreshLog, "refreshLog");
        this.events = Objects.requireNonNull(events, "events");
        this.resilience = Objects.requireNonNull(resilience, "resilience");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /**
     * Starts one refresh of {@code key} under its lease: refused at once while the circuit is open, else after the
     * minimum interval since this process last called its upstream. The circuit is read once here, for the whole
     * refresh ({@link CircuitsSeen}).
     *
     * @param fence the refresh lease's fencing number, recorded with each attempt
     * @throws TokenUnavailableException while the circuit is open, or when interrupted while keeping the interval
     */
    RefreshAttempts begin(ConnectionKey key, Trigger trigger, long fence) {
        CircuitBreaker circuit = new CircuitBreaker(clock, circuitPolicy, seen.forOneRefresh(key));
        if (circuit.state() == CircuitBreaker.State.OPEN) {
            throw circuitOpen(key, circuit.retryAfter());
        }
        keepMinimumInterval(key);
        return new RefreshAttempts(this, key, trigger, fence, circuit);
    }

    /**
     * Refuses a refresh at once while the circuit is open, before it waits for a lease only to be refused under it;
     * asked of the ledger only for a circuit this process last saw open or half-open: for any other, {@link #begin}'s
     * read under the lease refuses, and is the refresh's only read of a closed circuit. Half-open passes: the probe
     * is taken under the lease.
     *
     * @throws TokenUnavailableException with the time until the next probe
     */
    void refuseWhileOpen(ConnectionKey key) {
        if (!seen.lastSeenNotClosed(key)) {
            return;
        }
        Circuit circuit = seen.read(key);
        Instant now = clock.instant();
        if (circuitPolicy.state(circuit, now) == CircuitBreaker.State.OPEN) {
            throw circuitOpen(key, circuitPolicy.retryAfter(circuit, now));
        }
    }

    TokenUnavailableException circuitOpen(ConnectionKey key, Optional<Duration> retryAfter) {
        return new TokenUnavailableException("the circuit of " + key + " is open after repeated upstream failures",
                retryAfter.or(() -> Optional.of(resilience.circuitOpenMin())));
    }

    private void keepMinimumInterval(ConnectionKey key) {
        Instant last = lastUpstreamCall.get(key);
        if (last == null) {
            return;
        }
        Duration since = Duration.between(last, clock.instant());
        if (since.compareTo(resilience.minInterval()) < 0) {
            try {
                pause.pause(resilience.minInterval().minus(since));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new TokenUnavailableException("interrupted while spacing refreshes of " + key,
                        Optional.of(Duration.ofSeconds(1)));
            }
        }
    }

    /** One call to the token endpoint, stamped so the next refresh keeps its distance. */
    TokenGrant call(Connection connection, Instant startedAt) {
        lastUpstreamCall.put(connection.key(), startedAt);
        return issuer.issue(connection);
    }

    ResilienceSettings resilience() {
        return resilience;
    }

    Clock clock() {
        return clock;
    }

    void pause(Duration wait) throws InterruptedException {
        pause.pause(wait);
    }

    void announce(ConnectionKey key, CircuitBreaker.Transition moved) {
        switch (moved) {
            case OPENED -> {
                openedHere.add(key);
                publish(key, ConnectionEvent.Type.CIRCUIT_OPENED, "calls stop after "
                        + resilience.circuitFailureThreshold() + " consecutive failures; one probe every "
                        + resilience.circuitOpenMin().toMillis() + " ms, slowing to one every "
                        + resilience.circuitOpenDuration().toSeconds() + " s");
            }
            case CLOSED -> {
                openedHere.remove(key);
                publish(key, ConnectionEvent.Type.CIRCUIT_CLOSED, "the upstream answered again");
            }
            case NONE -> { }
        }
    }

    /** Once per refresh that ended without a token, after its retries: never per attempt. */
    void refreshFailed(ConnectionKey key, UpstreamException failure) {
        publish(key, ConnectionEvent.Type.REFRESH_FAILED, failureCode(failure));
    }

    private void publish(ConnectionKey key, ConnectionEvent.Type type, String detail) {
        EventPublishing.publish(events, clock, key, type, detail, Optional.empty());
    }

    void audit(RefreshAttempt attempt) {
        try {
            refreshLog.record(attempt);
        } catch (RuntimeException auditFailure) {
            // The audit trail must not turn a served token into an error; the failure is visible in the log.
            LOG.log(Level.ERROR, "could not record a refresh attempt for " + attempt.connection(), auditFailure);
        }
    }

    /**
     * The upstream's OAuth error code or our own ({@code timeout}, {@code http_503}), when it is a plain code; the
     * status class otherwise. Never the upstream's text: it could echo a credential.
     */
    static String failureCode(UpstreamException failure) {
        Optional<String> code = plainCode(failure);
        if (code.isPresent()) {
            return code.get();
        }
        return failure.status().isPresent() ? "http_" + failure.status().getAsInt() / 100 + "xx"
                : failure.retryable() ? "unavailable" : "rejected";
    }

    /**
     * The token issuer's failure as the caller sees it: its error code only when it is a plain code, since the
     * caller is shown it; the issuer's own exception stays attached for logs.
     */
    static UpstreamFailedException forCaller(UpstreamException failure) {
        Optional<String> code = plainCode(failure);
        if (failure instanceof UpstreamException.Unavailable unavailable) {
            return new UpstreamFailedException.Unavailable(failure.getMessage(), code, unavailable.retryAfter(),
                    failure);
        }
        return new UpstreamFailedException.Rejected(failure.getMessage(), code, failure);
    }

    private static Optional<String> plainCode(UpstreamException failure) {
        return failure.errorCode().filter(candidate -> SAFE_CODE.matcher(candidate).matches());
    }

    @Override
    public CircuitBreaker.State circuitState(ConnectionKey key) {
        return circuitPolicy.state(circuits.find(key), clock.instant());
    }

    @Override
    public Map<ConnectionKey, CircuitBreaker.State> notClosed() {
        Instant now = clock.instant();
        Map<ConnectionKey, CircuitBreaker.State> notClosed = new HashMap<>();
        circuits.notClosed().forEach((key, circuit) -> notClosed.put(key, circuitPolicy.state(circuit, now)));
        // Whoever closed a circuit this instance opened, it is no longer this instance's to count.
        openedHere.retainAll(notClosed.keySet());
        return notClosed;
    }

    @Override
    public Map<ConnectionKey, CircuitBreaker.State> notClosedOpenedHere() {
        if (openedHere.isEmpty()) {
            // The common case, read by every gauge at every scrape: no read of a shared ledger.
            return Map.of();
        }
        Map<ConnectionKey, CircuitBreaker.State> mine = new HashMap<>(notClosed());
        mine.keySet().retainAll(openedHere);
        return mine;
    }
}
