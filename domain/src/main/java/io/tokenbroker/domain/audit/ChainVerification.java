package io.tokenbroker.domain.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Walks one connection's chain, link by link in {@code seq} order, and stops at the first broken link: a missing or
 * repeated {@code seq} (a row deleted, inserted or reordered), a previous hash that is not the hash before it, a hash
 * that its row's content does not produce (a row edited), a hash that differs from the signed checkpoint at its
 * {@code seq} (a chain recomputed), or a chain that ends before the checkpoint's head (a truncated tail). Shared by the
 * broker's verify endpoint and the offline command, so both reach the same verdict. Not thread-safe.
 */
public final class ChainVerification {

    /** The newest link that verified. */
    public record Head(long seq, String hash) {
    }

    /** The first broken link: where, what the chain or checkpoint demanded, what the log holds, and why it breaks. */
    public record Break(long seq, String expected, String found, String reason) {
    }

    /**
     * @param rows links that verified before the verdict
     * @param head the newest verified link; empty when none was
     */
    public record Verdict(long rows, Optional<Head> head, Optional<Break> broken) {

        public boolean verified() {
            return broken.isEmpty();
        }
    }

    private final Optional<Checkpoint.Entry> pinned;
    private final long fromSeq;
    private long expectedSeq;
    private String expectedPrevHash;
    private long rows;
    private Optional<Head> head = Optional.empty();
    private Optional<Break> broken = Optional.empty();

    private ChainVerification(long fromSeq, String fromPrevHash, Optional<Checkpoint.Entry> pinned) {
        this.fromSeq = fromSeq;
        this.expectedSeq = fromSeq;
        this.expectedPrevHash = Objects.requireNonNull(fromPrevHash, "fromPrevHash");
        this.pinned = Objects.requireNonNull(pinned, "pinned");
    }

    /**
     * A walk from where the signed checkpoint says the chain starts, or, for a chain no checkpoint covers yet, from
     * where the store says it does (then only the chain itself vouches for it).
     */
    public static ChainVerification from(ChainHead stored, Optional<Checkpoint.Entry> pinned) {
        return pinned.map(entry -> new ChainVerification(entry.fromSeq(), entry.fromPrevHash(), pinned))
                .orElseGet(() -> new ChainVerification(stored.fromSeq(), stored.fromPrevHash(), Optional.empty()));
    }

    /** The {@code seq} below which no link belongs to the walk. */
    public long fromSeq() {
        return fromSeq;
    }

    /** Takes the next link; false once the chain broke (further links are ignored). */
    public boolean add(ChainLink link) {
        if (broken.isPresent()) {
            return false;
        }
        broken = check(link);
        if (broken.isPresent()) {
            return false;
        }
        rows++;
        head = Optional.of(new Head(link.seq(), link.hash()));
        expectedSeq = link.seq() + 1;
        expectedPrevHash = link.hash();
        return true;
    }

    public Verdict finish() {
        if (broken.isEmpty() && pinned.isPresent() && expectedSeq <= pinned.get().seq()) {
            broken = Optional.of(new Break(expectedSeq, "row " + expectedSeq + " (the signed checkpoint's head is "
                    + pinned.get().seq() + ")", "no row", "the log ends before the signed checkpoint's head: "
                    + "rows were removed from its end"));
        }
        return new Verdict(rows, head, broken);
    }

    private Optional<Break> check(ChainLink link) {
        if (link.seq() < expectedSeq) {
            return Optional.of(new Break(link.seq(), "row " + expectedSeq, "row " + link.seq(),
                    "a row out of order: rows were reordered or inserted"));
        }
        if (link.seq() > expectedSeq) {
            return Optional.of(new Break(expectedSeq, "row " + expectedSeq, "row " + link.seq(),
                    "a missing row: it was deleted"));
        }
        if (!link.prevHash().equals(expectedPrevHash)) {
            return Optional.of(new Break(link.seq(), expectedPrevHash, link.prevHash(),
                    "the previous hash is not the hash of the row before: rows were inserted, removed or reordered"));
        }
        String recomputed = link.expectedHash();
        if (!recomputed.equals(link.hash())) {
            return Optional.of(new Break(link.seq(), recomputed, link.hash(),
                    "the row's content does not give its hash: the row was edited"));
        }
        if (pinned.isPresent() && pinned.get().seq() == link.seq() && !pinned.get().hash().equals(link.hash())) {
            return Optional.of(new Break(link.seq(), pinned.get().hash(), link.hash(),
                    "the hash differs from the signed checkpoint's: the chain was recomputed"));
        }
        return Optional.empty();
    }
}
