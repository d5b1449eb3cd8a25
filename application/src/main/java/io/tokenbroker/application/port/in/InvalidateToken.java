package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Drops a cached token a caller found rejected (typically after a 401 from the provider's API), so the next get
 * fetches a new one.
 */
public interface InvalidateToken {

    /** @throws ConnectionNotFoundException for an unknown connection */
    void invalidate(Command command);

    /**
     * @param rejectedToken the token the caller saw rejected: only that token is dropped, so a late report about
     *                      an old token leaves a fresh one in place; empty drops whatever is cached
     */
    record Command(ConnectionKey key, Optional<String> rejectedToken) {
        public Command {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(rejectedToken, "rejectedToken");
            rejectedToken = rejectedToken.filter(token -> !token.isBlank());
        }

        @Override
        public String toString() {
            return "InvalidateToken.Command[" + key + (rejectedToken.isPresent() ? ", token given]" : "]");
        }
    }
}
