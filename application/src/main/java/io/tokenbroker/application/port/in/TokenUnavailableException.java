package io.tokenbroker.application.port.in;

import java.time.Duration;
import java.util.Optional;

/**
 * No token could be served now although nothing is wrong with the connection, e.g. another holder kept the
 * refresh lease past the wait. The caller may retry after {@link #retryAfter()}.
 */
public final class TokenUnavailableException extends BrokerException {

    /** @param message shown to the caller as the detail: written by the broker, never carrying a secret */
    public TokenUnavailableException(String message, Optional<Duration> retryAfter) {
        super(Kind.UNAVAILABLE, "token-unavailable", "No token available yet", message, retryAfter, null);
    }

    @Override
    public String detail() {
        return getMessage();
    }
}
