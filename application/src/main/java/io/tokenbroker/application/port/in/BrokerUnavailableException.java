package io.tokenbroker.application.port.in;

import java.time.Duration;
import java.util.Optional;

/**
 * The broker's own storage could not be reached, so the request could not be served; nothing is wrong with the
 * request, and trying again shortly may work. The cause is the store's failure, for logs.
 */
public final class BrokerUnavailableException extends BrokerException {

    /** A store outage usually lasts longer than a lease wait; the caller's retry should not come sooner. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    public BrokerUnavailableException(Throwable cause) {
        super(Kind.UNAVAILABLE, "storage-unavailable", "Storage unavailable", "the broker's storage is unavailable",
                Optional.of(RETRY_AFTER), cause);
    }

    @Override
    public String detail() {
        return "The broker could not reach its storage. Try again shortly.";
    }
}
