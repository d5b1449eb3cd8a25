package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connect.Handle;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A browser opened a connect link: a new authorization is started (state, PKCE verifier, browser binding) and the
 * browser is sent to the provider. Opening a link again starts a new attempt; only one can complete.
 */
public interface StartConsent {

    Outcome start(String presentedLink);

    /** Where the browser goes next. */
    sealed interface Outcome {
    }

    /**
     * @param authorize the provider's authorize URL for this attempt
     * @param browser   the value of the cookie that binds this browser to the attempt
     */
    record Redirect(URI authorize, Handle browser, Instant expiresAt) implements Outcome {
        public Redirect {
            Objects.requireNonNull(authorize, "authorize");
            Objects.requireNonNull(browser, "browser");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /** The link cannot start an authorization. */
    record Refused(Reason reason) implements Outcome {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why: unknown (or its connection no longer takes consent), expired, or completed already. */
    enum Reason { UNKNOWN, EXPIRED, COMPLETED }
}
