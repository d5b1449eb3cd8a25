package io.tokenbroker.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryCheckpoints;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.port.in.TakeCheckpoint;
import io.tokenbroker.application.port.in.VerifyRefreshLog;
import io.tokenbroker.application.port.out.CheckpointSigner;
import io.tokenbroker.domain.audit.CheckpointSignatures;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Verification, checkpoints and retention over the in-memory adapters, with a real Ed25519 key. */
class AuditServicesTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Instant NOW = Instant.parse("2030-06-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Signs with a fresh key through the JDK, as the BouncyCastle adapter does with the configured one. */
    private static CheckpointSigner signer() throws GeneralSecurityException {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        return new CheckpointSigner() {
            @Override
            public Optional<String> keyId() {
                return Optional.of(CheckpointSignatures.keyId(keys.getPublic()));
            }

            @Override
            public Optional<String> publicKeyPem() {
                return Optional.of(CheckpointSignatures.pem(keys.getPublic()));
            }

            @Override
            public Optional<String> sign(String body) {
                try {
                    Signature signature = Signature.getInstance("Ed25519");
                    signature.initSign(keys.getPrivate());
                    signature.update(body.getBytes(StandardCharsets.UTF_8));
                    return Optional.of(Base64.getEncoder().encodeToString(signature.sign()));
                } catch (GeneralSecurityException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        };
    }

    private static RefreshAttempt attempt(Instant startedAt, long fence) {
        return new RefreshAttempt(KEY, Trigger.PROACTIVE, Outcome.SUCCESS, startedAt, startedAt.plusMillis(40), 1,
                OptionalInt.empty(), Optional.empty(), Optional.empty(), fence);
    }

    private static void record(InMemoryRefreshLog log, int count) {
        for (int n = 0; n < count; n++) {
            log.record(attempt(NOW.minusSeconds(1_000 - n), n));
        }
    }

    @Test
    void aSignedCheckpointVouchesForTheChainAndOneByAnotherKeyIsRefused() throws Exception {
        InMemoryRefreshLog log = new InMemoryRefreshLog(100);
        InMemoryCheckpoints checkpoints = new InMemoryCheckpoints();
        CheckpointSigner signer = signer();
        record(log, 5);

        new CheckpointService(log, checkpoints, signer, CLOCK, AuditSettings.defaults()).take(TakeCheckpoint.DEMAND);
        VerifyRefreshLog.Verification verified =
                new RefreshLogVerificationService(log, checkpoints, signer, false).verify(KEY);

        assertTrue(verified.verified());
        assertEquals(5, verified.verdict().rows());
        assertEquals(Optional.of(VerifyRefreshLog.Trust.SIGNED), verified.trust());
        assertEquals(5, verified.entry().orElseThrow().seq());

        new CheckpointService(log, checkpoints, signer(), CLOCK.withZone(ZoneOffset.UTC), AuditSettings.defaults())
                .take(TakeCheckpoint.DEMAND);
        VerifyRefreshLog.Verification forged =
                new RefreshLogVerificationService(log, checkpoints, signer, false).verify(KEY);
        assertFalse(forged.verified());
        assertEquals(Optional.of(VerifyRefreshLog.Trust.INVALID), forged.trust());
    }

    @Test
    void withoutAKeyCheckpointsAreUnsignedAndSayTheyAre() {
        InMemoryRefreshLog log = new InMemoryRefreshLog(100);
        InMemoryCheckpoints checkpoints = new InMemoryCheckpoints();
        record(log, 3);

        SignedCheckpoint taken = new CheckpointService(log, checkpoints, CheckpointSigner.UNSIGNED, CLOCK,
                AuditSettings.defaults()).take(TakeCheckpoint.INTERVAL);

        assertFalse(taken.signed());
        VerifyRefreshLog.Verification verification =
                new RefreshLogVerificationService(log, checkpoints, CheckpointSigner.UNSIGNED, false).verify(KEY);
        assertTrue(verification.verified());
        assertEquals(Optional.of(VerifyRefreshLog.Trust.UNSIGNED), verification.trust());
    }

    @Test
    void aLogThatTrimsItselfStillVerifiesWhenItsStartMayMove() throws Exception {
        InMemoryRefreshLog log = new InMemoryRefreshLog(4);
        InMemoryCheckpoints checkpoints = new InMemoryCheckpoints();
        CheckpointSigner signer = signer();
        AuditSettings trimming = new AuditSettings(Duration.ofMinutes(5), Duration.ofDays(400), true);
        CheckpointService service = new CheckpointService(log, checkpoints, signer, CLOCK, trimming);
        record(log, 3);
        service.take(TakeCheckpoint.INTERVAL);
        record(log, 3);

        service.take(TakeCheckpoint.INTERVAL);

        assertEquals(0, service.status().suspects().size());
        assertTrue(new RefreshLogVerificationService(log, checkpoints, signer, true).verify(KEY).verified());
    }

    @Test
    void retentionCutsTheChainAndSignsACheckpointAtTheCut() throws Exception {
        InMemoryRefreshLog log = new InMemoryRefreshLog(100);
        InMemoryCheckpoints checkpoints = new InMemoryCheckpoints();
        CheckpointSigner signer = signer();
        AuditSettings settings = new AuditSettings(Duration.ofMinutes(5), Duration.ofDays(30), false);
        CheckpointService checkpoint = new CheckpointService(log, checkpoints, signer, CLOCK, settings);
        log.record(attempt(NOW.minus(Duration.ofDays(40)), 1));
        log.record(attempt(NOW.minus(Duration.ofDays(35)), 2));
        log.record(attempt(NOW.minus(Duration.ofDays(1)), 3));
        checkpoint.take(TakeCheckpoint.INTERVAL);

        OptionalLong removed = new RetentionService(log, checkpoints, checkpoint, CLOCK, settings).enforce();

        assertEquals(OptionalLong.of(2), removed);
        assertEquals(TakeCheckpoint.RETENTION, checkpoints.latest().orElseThrow().checkpoint().reason());
        assertEquals(0, checkpoint.status().suspects().size());
        VerifyRefreshLog.Verification rest = new RefreshLogVerificationService(log, checkpoints, signer, false)
                .verify(KEY);
        assertTrue(rest.verified());
        assertEquals(1, rest.verdict().rows());
    }
}
