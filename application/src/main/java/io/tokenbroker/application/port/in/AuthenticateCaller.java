package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.apikey.ApiKeyId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Turns a presented API key into a {@link Caller}. One bcrypt verification per key and process, then a short-lived
 * cache that is renewed by re-reading the stored key (no bcrypt unless its hash changed); repeated failures from one
 * address or against one key id are refused before any hashing.
 */
public interface AuthenticateCaller {

    /**
     * Authenticates without holding the calling thread while bcrypt runs: the returned stage completes when the key
     * is verified. A stored-key lookup may run on the calling thread, so an event loop should not call this.
     *
     * @return the caller, or empty for a malformed, unknown, wrong, revoked or expired key (indistinguishably)
     * @throws Throttled   (or a stage failed with it) when too many recent failures, or attempts still in flight,
     *                     came from this address or are for this key id
     * @throws Overloaded  (or a stage failed with it) when too many verifications are already waiting
     * @throws BrokerUnavailableException (or a stage failed with it) when the key store is unavailable and this key
     *                                     was never verified here
     */
    CompletionStage<Optional<Caller>> authenticateAsync(Command command);

    /** {@link #authenticateAsync}, waited for; the stage's failure is rethrown as it is. */
    default Optional<Caller> authenticate(Command command) {
        try {
            return authenticateAsync(command).toCompletableFuture().join();
        } catch (CompletionException wrapped) {
            if (wrapped.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw wrapped;
        }
    }

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

    /** Too many keys are waiting for verification on this instance: answer 503 rather than queue CPU without end. */
    final class Overloaded extends BrokerException {

        /** One bcrypt takes a fraction of a second; a second lets the queue drain a little. */
        public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

        public Overloaded() {
            super(Kind.UNAVAILABLE, "authentication-overloaded", "Too many keys awaiting verification",
                    "the key verification queue is full", Optional.of(RETRY_AFTER), null);
        }

        @Override
        public String detail() {
            return "The broker is verifying too many new API keys at once. Try again shortly.";
        }
    }
}
