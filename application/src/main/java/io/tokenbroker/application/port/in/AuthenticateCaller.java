package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.apikey.ApiKeyId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a presented API key into a {@link Caller}. One bcrypt verification per key and process, then a short-lived
 * cache; repeated failures from one address or against one key id are refused before any hashing.
 */
public interface AuthenticateCaller {

    /**
     * @return the caller, or empty for a malformed, unknown, wrong, revoked or expired key (indistinguishably)
     * @throws Throttled when too many recent failures came from this address or for this key id
     */
    Optional<Caller> authenticate(Command command);

    /**
     * The caller, if this exact key was verified recently: a map lookup that never hashes and never blocks, so an
     * event loop may call it and offload only the rest to {@link #authenticate}.
     */
    Optional<Caller> alreadyVerified(Command command);

    /** Stops trusting a verified key at once: another instance revoked or rotated it. */
    void forget(ApiKeyId id);

    /**
     * @param presentedKey  the raw header value; never logged
     * @param clientAddress the caller's address, for failure throttling
     */
    record Command(String presentedKey, String clientAddress) {
        public Command {
            Objects.requireNonNull(presentedKey, "presentedKey");
            Objects.requireNonNull(clientAddress, "clientAddress");
        }

        @Override
        public String toString() {
            return "AuthenticateCaller.Command[" + clientAddress + "]";
        }
    }

    /** Too many failures: answer 429 without verifying anything. */
    final class Throttled extends BrokerException {

        /** @param retryAfter when the throttle's window ends */
        public Throttled(Duration retryAfter) {
            super(Kind.THROTTLED, "authentication-throttled", "Too many failed authentications",
                    "too many failed authentications; retry after " + retryAfter.toSeconds() + " s",
                    Optional.of(retryAfter), null);
        }

        @Override
        public String detail() {
            return "Too many requests with invalid API keys came from this address or for this key.";
        }
    }
}
