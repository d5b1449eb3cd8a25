package io.tokenbroker.adapters.postgres;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The connection rows the vault last returned, as stored (secrets sealed, never plaintext), so a database outage
 * does not stop refreshes of connections this instance has served: bounded, least recently used out first. A rotation
 * this instance stored replaces the remembered refresh token, so the memory never lags behind what this instance
 * wrote; rotations by other instances reach it through the pending slots they hold durably.
 */
final class RememberedRows {

    private final Cache<ConnectionKey, ConnectionRow> rows;

    /** @param capacity rows kept at most (0 remembers nothing) */
    RememberedRows(long capacity) {
        this.rows = Caffeine.newBuilder().maximumSize(capacity).build();
    }

    void remember(ConnectionKey key, ConnectionRow row) {
        rows.put(key, row);
    }

    Optional<ConnectionRow> find(ConnectionKey key) {
        return Optional.ofNullable(rows.getIfPresent(key));
    }

    void forget(ConnectionKey key) {
        rows.invalidate(key);
    }

    /** Replaces the remembered refresh token of {@code key} by a rotation with a higher fence. */
    void rotated(ConnectionKey key, Sealed refreshToken, Optional<Instant> expiresAt, long fence) {
        rows.asMap().computeIfPresent(key, (k, row) -> row.fence() >= fence ? row
                : new ConnectionRow(row.id(), row.tenant(), row.name(), row.provider(), row.settings(),
                        row.clientSecretKeyId(), row.clientSecret(), refreshToken.keyId(), refreshToken.bytes(),
                        expiresAt.orElse(null), fence, row.savedBy(), row.version(), row.createdAt(),
                        row.updatedAt()));
    }
}
