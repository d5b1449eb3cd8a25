package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a connection's token stands, as an operator reads it. Holds no token and no secret.
 *
 * @param expiresAt           the cached token's expiry; empty when nothing is cached
 * @param untilExpiry         time left until {@code expiresAt} (zero once past); empty when nothing is cached
 * @param needsRefresh        true once the cached token is past its refresh-ahead point or none is servable
 * @param lastRefresh         the newest refresh attempt in the log, if any
 * @param consecutiveFailures failed attempts since the last success (newest first, counted up to a bound)
 * @param refreshTokenExpiresAt when the stored refresh token expires, if the provider said
 */
public record ConnectionStatus(ConnectionKey key, Health health, Optional<Instant> expiresAt,
                               Optional<Duration> untilExpiry, boolean needsRefresh, CircuitBreaker.State circuit,
                               Optional<RefreshAttempt> lastRefresh, int consecutiveFailures,
                               Optional<Instant> refreshTokenExpiresAt) {

    /**
     * Worst first: a connection awaiting re-authorisation cannot heal by itself, nor can one no user has consented
     * to yet (not connected: an authorization-code connection before its connect link completes); a failing one may; an expired one
     * (no servable token, e.g. never asked for) heals on the next request; an expiring one is past its refresh-ahead
     * point.
     */
    public enum Health { NEEDS_REAUTH, NOT_CONNECTED, FAILING, EXPIRED, EXPIRING, HEALTHY }

    public ConnectionStatus {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(untilExpiry, "untilExpiry");
        Objects.requireNonNull(circuit, "circuit");
        Objects.requireNonNull(lastRefresh, "lastRefresh");
        Objects.requireNonNull(refreshTokenExpiresAt, "refreshTokenExpiresAt");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures must not be negative");
        }
    }
}
