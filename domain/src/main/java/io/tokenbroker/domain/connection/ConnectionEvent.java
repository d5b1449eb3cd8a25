package io.tokenbroker.domain.connection;

import java.time.Instant;
import java.util.Objects;

/**
 * Something an operator should hear about a connection without polling its status.
 *
 * @param detail a short, sanitised explanation: an OAuth error code, never a token or provider text
 */
public record ConnectionEvent(ConnectionKey key, Type type, Instant at, String detail) {

    /** What happened. */
    public enum Type {
        /** The provider refused the refresh token; the tenant must authorise again. */
        NEEDS_REAUTHORIZATION,
        /** The connection was saved with new credentials after needing re-authorisation. */
        REAUTHORIZED
    }

    public ConnectionEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(detail, "detail");
    }
}
