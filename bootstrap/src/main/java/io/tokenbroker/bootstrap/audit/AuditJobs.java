package io.tokenbroker.bootstrap.audit;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import io.tokenbroker.application.port.in.EnforceRetention;
import io.tokenbroker.application.port.in.ReadAuditStatus;
import io.tokenbroker.application.port.in.TakeCheckpoint;
import io.tokenbroker.application.port.out.CheckpointSigner;
import io.tokenbroker.application.service.AuditSettings;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's timers: a checkpoint every {@code tokenbroker.audit.checkpoint-interval}, retention daily. At
 * start it logs the public key (so auditors can pin it out of band) and signs a checkpoint when the newest one was not
 * signed by the current key, so a newly configured key vouches for the log at once. An instance skips its interval
 * checkpoint when another signed one within the last half interval. Off with
 * {@code tokenbroker.audit.jobs.enabled=false}.
 */
@Singleton
@Requires(property = AuditJobs.ENABLED, notEquals = "false")
public class AuditJobs {

    public static final String ENABLED = "tokenbroker.audit.jobs.enabled";

    private static final Logger LOG = LoggerFactory.getLogger(AuditJobs.class);

    private final TakeCheckpoint checkpoints;
    private final ReadAuditStatus status;
    private final EnforceRetention retention;
    private final CheckpointSigner signer;
    private final AuditSettings settings;
    private final Clock clock;

    public AuditJobs(TakeCheckpoint checkpoints, ReadAuditStatus status, EnforceRetention retention,
                     CheckpointSigner signer, AuditSettings settings, Clock clock) {
        this.checkpoints = checkpoints;
        this.status = status;
        this.retention = retention;
        this.signer = signer;
        this.settings = settings;
        this.clock = clock;
    }

    @EventListener
    void onStartup(StartupEvent started) {
        signer.publicKeyPem().ifPresentOrElse(
                pem -> LOG.info("audit checkpoints are signed with Ed25519 key {}; public key:\n{}",
                        signer.keyId().orElseThrow(), pem),
                () -> LOG.warn("no TOKENBROKER_AUDIT_SIGNING_KEY: audit checkpoints are unsigned"));
        try {
            Optional<String> newestKey = status.status().latest().map(SignedCheckpoint::checkpoint)
                    .flatMap(checkpoint -> checkpoint.keyId());
            if (signer.keyId().isPresent() && !newestKey.equals(signer.keyId())) {
                checkpoints.take(TakeCheckpoint.START);
            }
        } catch (RuntimeException failed) {
            LOG.error("the start-up audit checkpoint failed; the next interval tries again", failed);
        }
    }

    @Scheduled(fixedDelay = "${tokenbroker.audit.checkpoint-interval:5m}",
            initialDelay = "${tokenbroker.audit.checkpoint-interval:5m}")
    void checkpoint() {
        try {
            // Every instance runs this timer; one checkpoint per interval is enough, whoever signed it.
            Instant recent = clock.instant().minus(settings.checkpointInterval().dividedBy(2));
            if (status.status().latest().filter(newest -> newest.checkpoint().createdAt().isAfter(recent))
                    .isPresent()) {
                return;
            }
            checkpoints.take(TakeCheckpoint.INTERVAL);
        } catch (RuntimeException failed) {
            LOG.error("signing the audit checkpoint failed; the next interval tries again", failed);
        }
    }

    @Scheduled(fixedDelay = "1d", initialDelay = "1h")
    void retention() {
        try {
            OptionalLong removed = retention.enforce();
            if (removed.isPresent()) {
                LOG.info("audit retention removed {} refresh log rows", removed.getAsLong());
            }
        } catch (RuntimeException failed) {
            LOG.error("audit retention failed; it runs again tomorrow", failed);
        }
    }
}
