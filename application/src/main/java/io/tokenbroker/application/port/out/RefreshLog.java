package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The audit trail of refresh attempts. Recording never fails the refresh it describes. Every connection's attempts
 * form a hash chain ({@link ChainLink}): appends to one connection are serialised, also across instances, so a chain
 * never forks; attempts a store had to drop are appended as a gap link, so a loss is visible in the chain.
 */
public interface RefreshLog {

    void record(RefreshAttempt attempt);

    /** The newest attempts for a connection, newest first, at most {@code limit} (at least 1). */
    List<RefreshAttempt> recent(ConnectionKey key, int limit);

    /**
     * A page of the connection's history, newest first: the first page without a cursor, each following page with
     * the previous page's {@link RefreshPage#next()}. Attempts recorded after the first page was read do not shift
     * later pages.
     *
     * @param limit at least 1
     */
    RefreshPage history(ConnectionKey key, Optional<RefreshPage.Cursor> after, int limit);

    /** Totals over everything this log holds for the connection; zero counts for an unknown one. */
    RefreshTotals totals(ConnectionKey key);

    /**
     * The connection's chain in {@code seq} order, gap links included: the links after {@code afterSeq}, at most
     * {@code limit} (at least 1). Links are returned as stored, tampered or not: judging them is the verifier's job.
     */
    List<ChainLink> chain(ConnectionKey key, long afterSeq, int limit);

    /** Where the connection's chain stands; {@link ChainHead#empty} for a connection nothing was recorded for. */
    ChainHead head(ConnectionKey key);

    /** Where every chain stands, for a checkpoint; chains whose links retention removed entirely included. */
    List<ChainHead> heads();

    /**
     * Retention: removes from every chain its links up to the newest one that started before {@code cutoff}, and
     * moves the chain's start past them ({@link ChainHead#fromSeq()}), so what remains verifies. One caller at a time
     * across instances: empty when another is removing already, else how many rows went.
     */
    OptionalLong removeBefore(Instant cutoff);
}
