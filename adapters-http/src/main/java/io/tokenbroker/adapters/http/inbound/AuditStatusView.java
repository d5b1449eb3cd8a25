package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.application.port.in.ReadAuditStatus;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.TenantId;
import java.util.List;
import java.util.function.Predicate;

/**
 * How the audit trail is protected: whether checkpoints are signed (and with which key), the newest checkpoint, and
 * the chains the last checkpoint found no longer extending their signed line (only those of tenants the key sees).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditStatusView(boolean signing, @JsonProperty("key_id") @Nullable String keyId, String algorithm,
                              @JsonProperty("checkpoint_interval_seconds") long checkpointIntervalSeconds,
                              @JsonProperty("retention_days") long retentionDays,
                              @JsonProperty("latest_checkpoint") @Nullable Latest latestCheckpoint,
                              @JsonProperty("suspect_chains") List<String> suspectChains) {

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Latest(@JsonProperty("created_at") String createdAt, String reason, boolean signed,
                         @JsonProperty("key_id") @Nullable String keyId, long chains) {

        static Latest of(SignedCheckpoint signed) {
            return new Latest(signed.checkpoint().createdAt().toString(), signed.checkpoint().reason(), signed.signed(),
                    signed.checkpoint().keyId().orElse(null), signed.checkpoint().entries().size());
        }
    }

    static AuditStatusView of(ReadAuditStatus.AuditStatus status, Predicate<TenantId> visible) {
        return new AuditStatusView(status.keyId().isPresent(), status.keyId().orElse(null), "Ed25519",
                status.checkpointInterval().toSeconds(), status.retention().toDays(),
                status.latest().map(Latest::of).orElse(null),
                status.suspects().stream().filter(key -> visible.test(key.tenant())).map(Object::toString)
                        .toList());
    }
}
