package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.TokenGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scriptable upstream for tests. Call {@code n} (counting from 1) issues the bearer token {@code "tok-n"}, issued
 * at the clock's now and living {@code lifetime}. Scripts, all optional and thread-safe:
 * <ul>
 *   <li>{@link #acceptOnly}: any other client id or secret is rejected like a real endpoint does (401,
 *       {@code invalid_client});</li>
 *   <li>{@link #rotateRefreshTokens}: a connection holding a refresh token gets a new one, {@code "rt-n"}, with an
 *       expiry when given one;</li>
 *   <li>{@link #failNext}: the next calls throw the given exception instead of issuing;</li>
 *   <li>{@link #hold}: calls block inside {@code issue} until the test releases the returned {@link Gate}, so a
 *       test can observe what other callers do while a refresh is in flight, without sleeping.</li>
 * </ul>
 * Every call is counted and its connection remembered, whether it succeeds or not.
 */
public final class InMemoryTokenIssuer implements TokenIssuer {

    /** How long a held call waits for its release before giving up: only a guard against a hung test run. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private final Clock clock;
    private final Duration lifetime;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Connection> seen = new CopyOnWriteArrayList<>();
    private final Deque<UpstreamException> scriptedFailures = new ArrayDeque<>();
    private final AtomicReference<Gate> gate = new AtomicReference<>();
    private volatile Optional<Credentials> accepted = Optional.empty();
    private volatile boolean rotateRefreshTokens;
    private volatile Optional<Duration> refreshTokenLifetime = Optional.empty();

    private record Credentials(String clientId, Secret clientSecret) {
    }

    public InMemoryTokenIssuer(Clock clock, Duration lifetime) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("the lifetime must be positive");
        }
    }

    /** Rejects every connection whose client id or secret differs from these. */
    public InMemoryTokenIssuer acceptOnly(String clientId, String clientSecret) {
        this.accepted = Optional.of(new Credentials(clientId, Secret.of(clientSecret)));
        return this;
    }

    /** Hands out a new refresh token {@code "rt-n"} with every grant for a connection that holds one. */
    public InMemoryTokenIssuer rotateRefreshTokens() {
        this.rotateRefreshTokens = true;
        return this;
    }

    /**
     * Hands out a new refresh token {@code "rt-n"} with every grant for a connection that holds one, saying it
     * expires {@code lifetime} after the grant (a rolling refresh token, as QuickBooks issues).
     */
    public InMemoryTokenIssuer rotateRefreshTokens(Duration lifetime) {
        this.refreshTokenLifetime = Optional.of(lifetime);
        return rotateRefreshTokens();
    }

    /** The next call throws {@code failure}. */
    public InMemoryTokenIssuer failNext(UpstreamException failure) {
        return failNext(1, failure);
    }

    /** The next {@code times} calls throw {@code failure} (the same instance each time). */
    public InMemoryTokenIssuer failNext(int times, UpstreamException failure) {
        Objects.requireNonNull(failure, "failure");
        synchronized (scriptedFailures) {
            for (int i = 0; i < times; i++) {
                scriptedFailures.addLast(failure);
            }
        }
        return this;
    }

    /**
     * From now on, calls block inside {@code issue} (after being counted, before failing or issuing) until the
     * returned gate is released.
     */
    public Gate hold() {
        Gate fresh = new Gate();
        gate.set(fresh);
        return fresh;
    }

    /** How many times {@code issue} was called, failed calls included. */
    public int calls() {
        return calls.get();
    }

    /** The connections {@code issue} was called with, oldest first. */
    public List<Connection> seen() {
        return List.copyOf(seen);
    }

    @Override
    public TokenGrant issue(Connection connection) {
        int n = calls.incrementAndGet();
        seen.add(connection);
        Gate held = gate.get();
        if (held != null) {
            held.pass();
        }
        UpstreamException failure;
        synchronized (scriptedFailures) {
            failure = scriptedFailures.pollFirst();
        }
        if (failure != null) {
            throw failure;
        }
        Optional<Credentials> required = accepted;
        if (required.isPresent() && !(connection.clientId().equals(Optional.of(required.get().clientId()))
                && connection.clientSecret().equals(Optional.of(required.get().clientSecret())))) {
            throw new UpstreamException.Rejected("the token endpoint refused the client credentials",
                    OptionalInt.of(401), Optional.of("invalid_client"));
        }
        Instant now = clock.instant();
        AccessToken token = new AccessToken("tok-" + n, "Bearer", now, now.plus(lifetime));
        Optional<Secret> refreshToken = rotateRefreshTokens && connection.refreshToken().isPresent()
                ? Optional.of(Secret.of("rt-" + n))
                : Optional.empty();
        Optional<Instant> refreshTokenExpiresAt = refreshToken.flatMap(rotated -> refreshTokenLifetime.map(now::plus));
        return new TokenGrant(token, refreshToken, refreshTokenExpiresAt);
    }

    /** Holds callers inside {@code issue} until released. */
    public static final class Gate {

        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger inside = new AtomicInteger();

        private void pass() {
            inside.incrementAndGet();
            entered.countDown();
            try {
                if (!released.await(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the test never released the issuer gate");
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held at the issuer gate", interrupted);
            } finally {
                inside.decrementAndGet();
            }
        }

        /** Blocks until a call is held at the gate (the wait is bounded only to keep a broken test from hanging). */
        public void awaitEntered() {
            try {
                if (!entered.await(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("no call reached the issuer gate");
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the issuer gate", interrupted);
            }
        }

        /** How many calls are held at the gate right now. */
        public int held() {
            return inside.get();
        }

        /** Lets every held call, and every later one, through. */
        public void release() {
            released.countDown();
        }
    }
}
