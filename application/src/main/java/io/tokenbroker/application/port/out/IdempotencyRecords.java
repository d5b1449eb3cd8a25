package io.tokenbroker.application.port.out;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers what a mutating request with an {@code Idempotency-Key} answered, so a retry gets the same answer
 * without running again. Shared by every instance that shares the store.
 */
public interface IdempotencyRecords {

    /** What was remembered: the request's fingerprint and, once it finished, its answer. */
    record Entry(String requestFingerprint, Optional<StoredResponse> response) {
        public Entry {
            Objects.requireNonNull(requestFingerprint, "requestFingerprint");
            Objects.requireNonNull(response, "response");
        }
    }

    /** An answer as it went out: status and JSON body (empty for 204). Never holds a secret it did not return. */
    record StoredResponse(int status, String body) {
        public StoredResponse {
            Objects.requireNonNull(body, "body");
        }

        @Override
        public String toString() {
            return "StoredResponse[" + status + "]";
        }
    }

    /**
     * Claims {@code key} for a request with this fingerprint, atomically, for {@code ttl}.
     *
     * @return empty if the claim is new (run the request, then {@link #complete}); otherwise what is already there
     */
    Optional<Entry> claim(String key, String requestFingerprint, Duration ttl);

    /** Stores the answer of a claimed request. */
    void complete(String key, String requestFingerprint, StoredResponse response, Duration ttl);

    /** Gives a claim up (the request failed before answering), so a retry runs it. */
    void release(String key);
}
