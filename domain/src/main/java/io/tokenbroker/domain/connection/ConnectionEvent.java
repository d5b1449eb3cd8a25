package io.tokenbroker.domain.connection;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something an operator should hear about a connection without polling its status.
 *
 * @param detail    a short, sanitised explanation: a trigger, an OAuth error code, never a token or provider text
 * @param expiresAt when the token the event is about expires (a refreshed or expiring token); empty otherwise
 */
public record ConnectionEvent(ConnectionKey key, Type type, Instant at, String detail, Optional<Instant> expiresAt) {

    /** What happened. */
    public enum Type {
        /** The provider refused the refresh token; the tenant must authorise again. */
        NEEDS_REAUTHORIZATION,
        /** The connection was saved with new credentials, or reconnected, after needing re-authorisation. */
        REAUTHORIZED,
        /** A new access token was issued by the upstream and stored (any trigger). */
        TOKEN_REFRESHED,
        /** A refresh ended without a token (after its retries); the cached token, if any, is still served. */
        REFRESH_FAILED,
        /** The token of a connection in use is inside its hard buffer and could not be renewed yet. */
        NEAR_EXPIRY,
        /** The token of a connection in use expired before it could be renewed: callers now get errors. */
        TOKEN_EXPIRED,
        /** The connection's upstream kept failing: calls to it stop for the open period. */
        CIRCUIT_OPENED,
        /** A probe succeeded after the circuit was open: calls to the upstream resume. */
        CIRCUIT_CLOSED,
        /** A user consented through a connect link: the connection holds its first refresh token. */
        CONNECTED,
        /**
         * The refresh token's provider-stated expiry is within the reconnect warning and keep-alive could not move it
         * (failed, or the provider's hard cap): a user must reconnect. {@code expiresAt} is the refresh token's.
         */
        REFRESH_TOKEN_EXPIRING
    }

    public ConnectionEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** An event about the connection rather than one token. */
    public ConnectionEvent(ConnectionKey key, Type type, Instant at, String detail) {
        this(key, type, at, detail, Optional.empty());
    }
}
