package io.tokenbroker.client;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory broker for the tests of a calling service: swap it in where the service takes a
 * {@link TokenBrokerClient}. Every connection exists; it issues {@code fake-<tenant>-<connection>-<n>} (or the
 * values a test scripts with {@link #willIssue}), keeps the current one until it expires or is invalidated, and
 * honours {@code minValidFor} as the real broker does.
 *
 * <p>To test a 401: {@link #revoke} a token (or {@link #revokeCurrent}) and let the test's API stand-in answer 401
 * when {@link #accepts} says no. Like a real provider's revocation, the fake keeps serving a revoked token until
 * the caller invalidates it. To test an outage: {@link #outage}; for any other failure: {@link #failWith}.
 * Counters tell how often the service asked. Safe for concurrent use.
 */
public final class FakeTokenBroker implements TokenBrokerClient {

    /** Lifetime of issued tokens unless {@link #lifetime} sets another. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    private final Clock clock;
    private Duration lifetime = DEFAULT_LIFETIME;
    private final Map<ConnectionKey, Deque<String>> scripted = new HashMap<>();
    private final Map<ConnectionKey, Token> current = new HashMap<>();
    private final Map<ConnectionKey, TokenBrokerException> failures = new HashMap<>();
    private final Set<String> issued = new HashSet<>();
    private final Set<String> revoked = new HashSet<>();
    private final Counts tokenCalls = new Counts();
    private final Counts invalidations = new Counts();
    private final Counts issues = new Counts();
    private TokenBrokerException outage;

    public FakeTokenBroker() {
        this(Clock.systemUTC());
    }

    /** @param clock what expiries are set and checked against; tests that move time pass their own */
    public FakeTokenBroker(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Token token(String tenant, String connection, Duration minValidFor) {
        ConnectionKey key = new ConnectionKey(tenant, connection);
        tokenCalls.add(key);
        throwIfFailing(key);
        Token token = current.get(key);
        if (token == null || !token.validFor(minValidFor, clock.instant())) {
            token = issue(key);
        }
        return token;
    }

    /** Drops the connection's token only if it is {@code rejectedToken}, as the broker does. */
    @Override
    public synchronized void invalidate(String tenant, String connection, String rejectedToken) {
        ConnectionKey key = new ConnectionKey(tenant, connection);
        invalidations.add(key);
        throwIfFailing(key);
        Token token = current.get(key);
        if (token != null && token.value().equals(rejectedToken)) {
            current.remove(key);
        }
    }

    /** The next tokens this connection gets, in order; after them it goes back to generated values. */
    public synchronized FakeTokenBroker willIssue(String tenant, String connection, String... values) {
        scripted.computeIfAbsent(new ConnectionKey(tenant, connection), any -> new ArrayDeque<>())
                .addAll(List.of(values));
        return this;
    }

    /** How long tokens issued from now on live. */
    public synchronized FakeTokenBroker lifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a lifetime must be positive");
        }
        this.lifetime = lifetime;
        return this;
    }

    /** The API stops accepting {@code token} (see {@link #accepts}); the fake still serves it until invalidated. */
    public synchronized void revoke(String token) {
        revoked.add(token);
    }

    /**
     * Revokes the connection's current token, issuing one first if it has none.
     *
     * @return the revoked value
     */
    public synchronized String revokeCurrent(String tenant, String connection) {
        ConnectionKey key = new ConnectionKey(tenant, connection);
        Token token = current.get(key);
        String value = (token != null ? token : issue(key)).value();
        revoked.add(value);
        return value;
    }

    /** What a test's API stand-in asks: was {@code token} issued here, not revoked and not expired? */
    public synchronized boolean accepts(String token) {
        return issued.contains(token) && !revoked.contains(token) && current.values().stream()
                .filter(held -> held.value().equals(token))
                .allMatch(held -> held.validFor(Duration.ZERO, clock.instant()));
    }

    /** Every call fails with {@link TokenBrokerException.Unavailable} until {@link #endOutage()}. */
    public synchronized void outage(Optional<Duration> retryAfter) {
        outage = new TokenBrokerException.Unavailable(Problem.broker("token-unavailable", "No token available yet",
                503, "The fake broker is in an outage."), retryAfter, null);
    }

    public synchronized void endOutage() {
        outage = null;
    }

    /**
     * Calls for this connection throw {@code failure} until {@link #clearFailure}; e.g.
     * {@code TokenBrokerException.of(new Problem("urn:tokenbroker:problem:reauthorization-required", …, 409, …), …)}.
     */
    public synchronized void failWith(String tenant, String connection, TokenBrokerException failure) {
        failures.put(new ConnectionKey(tenant, connection), Objects.requireNonNull(failure, "failure"));
    }

    public synchronized void clearFailure(String tenant, String connection) {
        failures.remove(new ConnectionKey(tenant, connection));
    }

    /** {@link #token} calls, failed ones included. */
    public synchronized int tokenCalls() {
        return tokenCalls.total();
    }

    public synchronized int tokenCalls(String tenant, String connection) {
        return tokenCalls.of(new ConnectionKey(tenant, connection));
    }

    /** {@link #invalidate} calls, including those that dropped nothing. */
    public synchronized int invalidations() {
        return invalidations.total();
    }

    public synchronized int invalidations(String tenant, String connection) {
        return invalidations.of(new ConnectionKey(tenant, connection));
    }

    /** Tokens issued: what a real broker's upstream would have been asked for. */
    public synchronized int issued(String tenant, String connection) {
        return issues.of(new ConnectionKey(tenant, connection));
    }

    private void throwIfFailing(ConnectionKey key) {
        if (outage != null) {
            throw outage;
        }
        TokenBrokerException failure = failures.get(key);
        if (failure != null) {
            throw failure;
        }
    }

    private Token issue(ConnectionKey key) {
        int number = issues.add(key);
        Deque<String> next = scripted.get(key);
        String value = next != null && !next.isEmpty() ? next.poll()
                : "fake-" + key.tenant() + "-" + key.connection() + "-" + number;
        Token token = new Token(value, "Bearer", clock.instant().plus(lifetime));
        current.put(key, token);
        issued.add(value);
        return token;
    }

    @Override
    public String toString() {
        return "FakeTokenBroker";
    }

    /** Calls per connection; guarded by the fake's lock. */
    private static final class Counts {
        private final Map<ConnectionKey, Integer> byConnection = new HashMap<>();
        private int total;

        int add(ConnectionKey key) {
            total++;
            return byConnection.merge(key, 1, Integer::sum);
        }

        int of(ConnectionKey key) {
            return byConnection.getOrDefault(key, 0);
        }

        int total() {
            return total;
        }
    }
}
