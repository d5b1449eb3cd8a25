package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connect.ConnectLink;
import io.tokenbroker.domain.connect.PendingConsent;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Connect links and the authorizations started from them, each stored under the SHA-256 digest of its random value
 * (a link's token, an authorization's {@code state}), so what the store holds cannot be presented by anyone. Entries
 * expire on their own and the store is bounded. Safe for concurrent use; with shared storage, a link created on one
 * instance completes on another.
 */
public interface ConnectAttempts {

    /** How long an entry is kept after it expired, so a late visit is told "expired" rather than "unknown". */
    Duration KEPT_AFTER_EXPIRY = Duration.ofHours(1);

    void saveLink(String digest, ConnectLink link);

    /** The link, completed or not, until at least its expiry; empty when unknown or dropped. */
    Optional<ConnectLink> findLink(String digest);

    /**
     * Marks the link completed. Atomic: of any number of callers, on any instance, only the first gets true.
     *
     * @return false when the link was completed already or is unknown
     */
    boolean completeLink(String digest);

    void savePending(String stateDigest, PendingConsent consent);

    /**
     * Takes the authorization started under this state. Atomic: of any number of callers only the first gets
     * {@link Taken.Fresh}; later ones get {@link Taken.Again} until the entry is dropped, then {@link Taken.Unknown}.
     */
    Taken takePending(String stateDigest);

    /** What taking a state found. */
    sealed interface Taken {

        /** Taken now, by this caller. */
        record Fresh(PendingConsent consent) implements Taken {
            public Fresh {
                Objects.requireNonNull(consent, "consent");
            }
        }

        /** Taken before: a replayed callback. */
        record Again(PendingConsent consent) implements Taken {
            public Again {
                Objects.requireNonNull(consent, "consent");
            }
        }

        /** Never stored here, or dropped since. */
        record Unknown() implements Taken {
        }
    }
}
