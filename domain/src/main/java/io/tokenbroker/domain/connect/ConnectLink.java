package io.tokenbroker.domain.connect;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A link a tenant's user opens to consent to a connection. Holds nothing secret: it is stored under the digest of
 * its token, which only the link's URL carries.
 *
 * @param returnUrl where the browser goes when the attempt ends; empty for a small page instead
 * @param scopes    the scopes to ask consent for
 * @param completed true once an authorization through this link was completed (at most one is)
 */
public record ConnectLink(ConnectionKey key, Optional<URI> returnUrl, List<String> scopes, Instant expiresAt,
                          boolean completed) {

    public ConnectLink {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(returnUrl, "returnUrl");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = List.copyOf(scopes);
    }

    /** Whether it can no longer start an authorization at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public ConnectLink asCompleted() {
        return new ConnectLink(key, returnUrl, scopes, expiresAt, true);
    }
}
