package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ReadAuditStatus;
import io.tokenbroker.application.port.in.TakeCheckpoint;
import io.tokenbroker.application.port.out.CheckpointSigner;
import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Signs checkpoints. Each chain's new line is checked against its line in the previous checkpoint first: the link at
 * the old head must still hold the old hash, the links since must chain onto it, the chain's start may move only by
 * retention. Only then does the new line replace the old one; otherwise the old line is carried over and the chain
 * named a suspect, so the next verification still fails where the tampering is.
 */
public final class CheckpointService implements TakeCheckpoint, ReadAuditStatus {

    private static final System.Logger LOG = System.getLogger(CheckpointService.class.getName());

    private final RefreshLog log;
    private final Checkpoints checkpoints;
    private final CheckpointSigner signer;
    private final Clock clock;
    private final AuditSettings settings;
    private volatile List<ConnectionKey> suspects = List.of();

    public CheckpointService(RefreshLog log, Checkpoints checkpoints, CheckpointSigner signer, Clock clock,
                             AuditSettings settings) {
        this.log = Objects.requireNonNull(log, "log");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public synchronized SignedCheckpoint take(String reason) {
        return StoreOutages.translated(() -> {
            Optional<Checkpoint> previous = checkpoints.latest().map(SignedCheckpoint::checkpoint);
            List<Checkpoint.Entry> entries = new ArrayList<>();
            List<ConnectionKey> found = new ArrayList<>();
            Set<String> listed = new HashSet<>();
            for (ChainHead head : log.heads()) {
                Optional<Checkpoint.Entry> before = previous.flatMap(last -> last.entryFor(head.connection()));
                Checkpoint.Entry now = Checkpoint.Entry.of(head);
                if (before.isPresent() && !stillExtends(head, before.get(), reason)) {
                    LOG.log(Level.ERROR, "the refresh log of {0} no longer extends its signed checkpoint: "
                            + "carrying the checkpoint's line over; verify it", head.connection());
                    found.add(head.connection());
                    now = before.get();
                }
                entries.add(now);
                listed.add(now.chain());
            }
            // A chain the store no longer lists stays in every checkpoint, so its removal keeps showing.
            previous.ifPresent(checkpoint -> checkpoint.entries().stream()
                    .filter(entry -> !listed.contains(entry.chain())).forEach(entries::add));
            Checkpoint checkpoint = new Checkpoint(clock.instant(), reason, signer.keyId(), entries);
            SignedCheckpoint signed = new SignedCheckpoint(checkpoint, signer.sign(checkpoint.body()));
            checkpoints.save(signed);
            suspects = List.copyOf(found);
            return signed;
        });
    }

    @Override
    public AuditStatus status() {
        return StoreOutages.translated(() -> new AuditStatus(signer.keyId(), checkpoints.latest(),
                settings.checkpointInterval(), settings.retention(), suspects));
    }

    /** Whether the stored chain still holds {@code before} and chains on from it to {@code head}. */
    private boolean stillExtends(ChainHead head, Checkpoint.Entry before, String reason) {
        boolean startKept = head.fromSeq() == before.fromSeq() && head.fromPrevHash().equals(before.fromPrevHash());
        boolean startMovedByRetention = (RETENTION.equals(reason) || settings.startMoves())
                && head.fromSeq() >= before.fromSeq();
        if (head.seq() < before.seq() || !(startKept || startMovedByRetention)) {
            return false;
        }
        // When retention removed the old head itself, the new start is the only line left to check from.
        boolean oldHeadGone = before.seq() < head.fromSeq();
        ChainHead from = oldHeadGone ? head
                : new ChainHead(head.connection(), before.seq() + 1, before.hash(), head.seq(), head.hash());
        ChainVerification.Verdict since = ChainWalk.verify(log, head.connection(), from, Optional.empty(), head.seq());
        String reachedHash = since.head().map(ChainVerification.Head::hash).orElse(from.fromPrevHash());
        long reachedSeq = since.head().map(ChainVerification.Head::seq).orElse(from.fromSeq() - 1);
        return (oldHeadGone || oldHeadHolds(head.connection(), before)) && since.verified()
                && reachedSeq == head.seq() && reachedHash.equals(head.hash());
    }

    private boolean oldHeadHolds(ConnectionKey key, Checkpoint.Entry before) {
        if (before.seq() == 0) {
            return true;
        }
        return log.chain(key, before.seq() - 1, 1).stream()
                .anyMatch(link -> link.seq() == before.seq() && link.hash().equals(before.hash()));
    }
}
