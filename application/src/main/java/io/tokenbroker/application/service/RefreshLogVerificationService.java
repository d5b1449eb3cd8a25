package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ExportRefreshLog;
import io.tokenbroker.application.port.in.VerifyRefreshLog;
import io.tokenbroker.application.port.out.CheckpointSigner;
import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.CheckpointSignatures;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies a connection's chain against the newest checkpoint, and exports it. A checkpoint whose signature does not
 * hold is not used to vouch for anything: the chain is walked from where the store says it starts, and the answer is
 * "not verified", naming the checkpoint.
 */
public final class RefreshLogVerificationService implements VerifyRefreshLog, ExportRefreshLog {

    private final RefreshLog log;
    private final Checkpoints checkpoints;
    private final CheckpointSigner signer;

    private final boolean startMoves;

    /** @param startMoves see {@link AuditSettings#startMoves()} */
    public RefreshLogVerificationService(RefreshLog log, Checkpoints checkpoints, CheckpointSigner signer,
                                         boolean startMoves) {
        this.log = Objects.requireNonNull(log, "log");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.startMoves = startMoves;
    }

    @Override
    public Verification verify(ConnectionKey key) {
        return StoreOutages.translated(() -> {
            Optional<SignedCheckpoint> latest = checkpoints.latest();
            Optional<Trust> trust = latest.map(this::trust);
            Optional<Checkpoint.Entry> entry = latest.flatMap(signed -> signed.checkpoint().entryFor(key));
            ChainHead stored = log.head(key);
            Optional<Checkpoint.Entry> pinned = trust.orElse(Trust.INVALID) == Trust.INVALID ? Optional.empty()
                    : entry.flatMap(line -> startMoves ? fromStoredStart(line, stored) : Optional.of(line));
            ChainVerification.Verdict verdict = ChainWalk.verify(log, key, stored, pinned, Long.MAX_VALUE);
            if (trust.orElse(null) == Trust.INVALID && verdict.verified()) {
                verdict = new ChainVerification.Verdict(verdict.rows(), verdict.head(), Optional.of(
                        new ChainVerification.Break(entry.map(Checkpoint.Entry::seq).orElse(0L),
                                "a checkpoint signed by key " + signer.keyId().orElse("-"),
                                latest.get().signed() ? "a signature that does not hold" : "an unsigned checkpoint",
                                "the newest checkpoint was not signed by this broker: it was forged or altered")));
            }
            return new Verification(verdict, latest, entry, trust);
        });
    }

    @Override
    public Export export(ConnectionKey key) {
        return StoreOutages.translated(() -> {
            ChainHead head = log.head(key);
            List<ChainLink> links = new ArrayList<>();
            long after = head.fromSeq() - 1;
            List<ChainLink> page;
            do {
                page = log.chain(key, after, ChainWalk.PAGE);
                links.addAll(page);
                after = page.isEmpty() ? after : page.get(page.size() - 1).seq();
            } while (page.size() == ChainWalk.PAGE);
            return new Export(head, links, checkpoints.latest());
        });
    }

    /** The checkpoint's head, checked from where a self-trimming log starts now; empty once it trimmed past it. */
    private static Optional<Checkpoint.Entry> fromStoredStart(Checkpoint.Entry line, ChainHead stored) {
        if (stored.fromSeq() <= line.fromSeq()) {
            return Optional.of(line);
        }
        return stored.fromSeq() > line.seq() + 1 ? Optional.empty() : Optional.of(new Checkpoint.Entry(line.chain(),
                stored.fromSeq(), stored.fromPrevHash(), line.seq(), line.hash()));
    }

    private Trust trust(SignedCheckpoint checkpoint) {
        Optional<String> pem = signer.publicKeyPem();
        if (pem.isEmpty()) {
            return Trust.UNSIGNED;
        }
        return CheckpointSignatures.verifies(CheckpointSignatures.publicKey(pem.get()), checkpoint.checkpoint(),
                checkpoint.signature()) ? Trust.SIGNED : Trust.INVALID;
    }
}
