package io.tokenbroker.bootstrap.audit;

import io.micronaut.context.annotation.Factory;
import io.tokenbroker.adapters.postgres.BouncyCastleCheckpointSigner;
import io.tokenbroker.application.port.out.CheckpointSigner;
import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.service.AuditSettings;
import io.tokenbroker.application.service.CheckpointService;
import io.tokenbroker.application.service.RefreshLogVerificationService;
import io.tokenbroker.application.service.RetentionService;
import io.tokenbroker.bootstrap.AdapterSelection;
import io.tokenbroker.bootstrap.config.AuditConfiguration;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The tamper-evident refresh log's use cases: verification and export, checkpoints, retention (issue 21). */
@Factory
public class AuditFactory {

    /** Built at start, so a malformed key stops the start instead of the first checkpoint. */
    @Singleton
    CheckpointSigner checkpointSigner(AuditConfiguration configuration) {
        String pem = configuration.signingKey();
        return pem == null || pem.isBlank() ? CheckpointSigner.UNSIGNED : BouncyCastleCheckpointSigner.fromPem(pem);
    }

    @Singleton
    AuditSettings auditSettings(AuditConfiguration configuration, AdapterSelection selection) {
        // The embedded default keeps a bounded number of attempts per connection, so its chains' starts move.
        boolean startMoves = selection.of(AdapterSelection.Port.REFRESH_LOG) == AdapterSelection.Adapter.MEMORY;
        return new AuditSettings(configuration.checkpointInterval(), configuration.retention(), startMoves);
    }

    @Singleton
    RefreshLogVerificationService refreshLogVerification(RefreshLog log, Checkpoints checkpoints,
                                                         CheckpointSigner signer, AuditSettings settings) {
        return new RefreshLogVerificationService(log, checkpoints, signer, settings.startMoves());
    }

    @Singleton
    CheckpointService checkpoints(RefreshLog log, Checkpoints checkpoints, CheckpointSigner signer, Clock clock,
                                  AuditSettings settings) {
        return new CheckpointService(log, checkpoints, signer, clock, settings);
    }

    @Singleton
    RetentionService retention(RefreshLog log, Checkpoints checkpoints, CheckpointService checkpoint, Clock clock,
                               AuditSettings settings) {
        return new RetentionService(log, checkpoints, checkpoint, clock, settings);
    }
}
