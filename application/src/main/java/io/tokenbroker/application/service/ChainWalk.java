package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.List;
import java.util.Optional;

/** Feeds a stored chain to a {@link ChainVerification} a page at a time, so a long chain is never held whole. */
final class ChainWalk {

    static final int PAGE = 1_000;

    private ChainWalk() {
    }

    /** Verifies the chain from {@code start} (or the pinned line's start) up to {@code untilSeq} at most. */
    static ChainVerification.Verdict verify(RefreshLog log, ConnectionKey key, ChainHead start,
                                            Optional<Checkpoint.Entry> pinned, long untilSeq) {
        ChainVerification walk = ChainVerification.from(start, pinned);
        long after = walk.fromSeq() - 1;
        while (after < untilSeq) {
            List<ChainLink> page = log.chain(key, after, PAGE);
            for (ChainLink link : page) {
                if (link.seq() > untilSeq) {
                    return walk.finish();
                }
                if (!walk.add(link)) {
                    return walk.finish();
                }
                after = link.seq();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        return walk.finish();
    }
}
