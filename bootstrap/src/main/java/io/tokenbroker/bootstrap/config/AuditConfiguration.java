package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code tokenbroker.audit.*}: the tamper-evident refresh log (see {@code docs/security.md}).
 *
 * @param signingKey         {@code TOKENBROKER_AUDIT_SIGNING_KEY}: an Ed25519 private key as PKCS#8 PEM; without it
 *                           checkpoints are unsigned. Never logged
 * @param checkpointInterval how often a checkpoint of every chain head is signed
 * @param retention          how long refresh-log rows are kept; a daily job removes older ones
 */
@ConfigurationProperties("tokenbroker.audit")
public record AuditConfiguration(
        @Nullable String signingKey,
        @Bindable(defaultValue = "5m") Duration checkpointInterval,
        @Bindable(defaultValue = "400d") Duration retention) {

    @Override
    public String toString() {
        return "AuditConfiguration[signingKey=" + (signingKey == null ? "none" : "set") + ", checkpointInterval="
                + checkpointInterval + ", retention=" + retention + "]";
    }
}
