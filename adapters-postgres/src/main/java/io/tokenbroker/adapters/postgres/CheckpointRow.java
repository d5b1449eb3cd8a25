package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code audit_checkpoints}: the signed text verbatim and its base64 signature (NULL when unsigned). */
@MappedEntity("audit_checkpoints")
public record CheckpointRow(@Id @GeneratedValue @Nullable Long id, Instant createdAt, String body,
                            @Nullable String signature) {
}
