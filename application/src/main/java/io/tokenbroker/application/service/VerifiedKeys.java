package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Keys this process has verified, under a keyed fingerprint of the presented secret. An entry is trusted until its
 * {@code until}; after that it still remembers which stored hash the secret matched, so renewing it needs only a
 * look at the stored key, not bcrypt, as long as that hash is unchanged.
 */
final class VerifiedKeys {

    /** @param stored the stored key as it was when last checked */
    record Verified(ApiKey stored, Caller caller, Instant until) {

        boolean trustedAt(Instant now) {
            return now.isBefore(until) && stored.expiresAt().map(now::isBefore).orElse(true);
        }
    }

    private final ConcurrentMap<String, Verified> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int capacity;

    VerifiedKeys(Duration ttl, int capacity) {
        this.ttl = ttl;
        this.capacity = capacity;
    }

    /** The entry for this key id and secret, trusted or lapsed. */
    Optional<Verified> find(ApiKeyId id, String fingerprint) {
        return Optional.ofNullable(entries.get(fingerprint)).filter(entry -> entry.stored().id().equals(id));
    }

    /** Trusts {@code stored} (whose hash the secret behind {@code fingerprint} matched) for one more TTL. */
    Caller remember(String fingerprint, ApiKey stored, Instant now) {
        if (entries.size() >= capacity && !entries.containsKey(fingerprint)) {
            // Crude but bounded: a full cache starts over; each key then costs one more bcrypt.
            entries.clear();
        }
        Caller caller = new Caller(stored.id(), stored.scopes(), stored.tenants());
        entries.put(fingerprint, new Verified(stored, caller, now.plus(ttl)));
        return caller;
    }

    /** Forgets the key entirely: its next use is verified with bcrypt again. */
    void forget(ApiKeyId id) {
        entries.values().removeIf(entry -> entry.stored().id().equals(id));
    }
}
