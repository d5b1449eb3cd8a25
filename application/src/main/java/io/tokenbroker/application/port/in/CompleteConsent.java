package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The provider sent the browser back: the state is taken (once), checked against the browser that started it, the
 * code exchanged with the verifier, and the consented refresh token stored.
 */
public interface CompleteConsent {

    Completion complete(Command command);

    /**
     * Everything as the browser presented it, unchecked.
     *
     * @param error   the provider's error code, if it sent one instead of a code
     * @param issuer  RFC 9207 {@code iss}, when the provider sends it
     * @param realmId QuickBooks' company id
     * @param browser the value of the browser's binding cookie
     */
    record Command(Optional<String> state, Optional<String> code, Optional<String> error, Optional<String> issuer,
                   Optional<String> realmId, Optional<String> browser) {
        public Command {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(realmId, "realmId");
            Objects.requireNonNull(browser, "browser");
        }

        @Override
        public String toString() {
            return "CompleteConsent.Command[***]";
        }
    }

    /** How the attempt ended. */
    sealed interface Completion {
    }

    /**
     * The attempt of this browser ended; the browser goes back to {@code returnUrl} (or sees a page) with the result.
     *
     * @param error empty when connected; otherwise an RFC 6749 error code or {@code expired}, {@code replayed},
     *              {@code exchange_failed} — never the provider's text
     */
    record Returned(ConnectionKey key, Optional<URI> returnUrl, Optional<String> error) implements Completion {
        public Returned {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(returnUrl, "returnUrl");
            Objects.requireNonNull(error, "error");
        }
    }

    /** Not an attempt of this browser: the state is unknown, or another browser started it. Nothing changed. */
    record Refused(Reason reason) implements Completion {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    enum Reason { UNKNOWN_STATE, OTHER_BROWSER }
}
