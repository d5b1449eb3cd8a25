package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connect.Handle;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates a link a tenant's user opens to consent to an authorization-code connection. The link needs no API key,
 * completes at most one authorization and expires.
 *
 * @throws ConnectionNotFoundException for an unknown connection
 * @throws ConnectRefusedException     for a connection that takes no consent or a return URL outside the allowlist
 */
public interface CreateConnectLink {

    Created create(Command command);

    /**
     * @param returnUrl where the browser goes when the attempt ends; must be allowed by the operator
     * @param scopes    the scopes to ask for; empty for the connection's own
     */
    record Command(ConnectionKey key, Optional<String> returnUrl, Optional<List<String>> scopes, Duration expiresIn) {

        public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(30);
        public static final Duration MAX_EXPIRY = Duration.ofDays(1);

        public Command {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(returnUrl, "returnUrl");
            Objects.requireNonNull(scopes, "scopes");
            scopes = scopes.map(List::copyOf);
            if (expiresIn.isNegative() || expiresIn.isZero() || expiresIn.compareTo(MAX_EXPIRY) > 0) {
                throw new IllegalArgumentException("a link expires within 1 second to 1 day");
            }
        }
    }

    /** @param link the link's token: shown once, to the caller, inside its URL */
    record Created(Handle link, Instant expiresAt) {
        public Created {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }
}
