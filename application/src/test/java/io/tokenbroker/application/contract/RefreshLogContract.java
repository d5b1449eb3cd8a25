package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RefreshLog} must do. An adapter test extends this class and returns a log over empty storage
 * from {@link #newRefreshLog}. Attempts are recorded in the order they started, one second apart and on whole
 * milliseconds, so "newest" means the same whether a store orders by insertion or by time.
 */
public abstract class RefreshLogContract {

    protected static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    protected static final ConnectionKey OTHER_KEY = ConnectionKey.of("globex", "crm");
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private RefreshLog log;
    private int recorded;

    /** A log over empty storage; it must keep at least the 5 newest attempts per connection. */
    protected abstract RefreshLog newRefreshLog();

    @BeforeEach
    void createLog() {
        log = newRefreshLog();
    }

    /** A successful attempt, started one second after the previous one this test recorded. */
    private RefreshAttempt success(ConnectionKey key, long fence) {
        Instant startedAt = START.plusSeconds(recorded++);
        return new RefreshAttempt(key, Trigger.REQUEST, Outcome.SUCCESS, startedAt, startedAt.plusMillis(120), 1,
                OptionalInt.empty(), Optional.empty(), Optional.empty(), fence);
    }

    private List<RefreshAttempt> recordAll(RefreshAttempt... attempts) {
        for (RefreshAttempt attempt : attempts) {
            log.record(attempt);
        }
        return List.of(attempts);
    }

    @Test
    void recentOnAnUnknownConnectionIsEmpty() {
        assertEquals(List.of(), log.recent(KEY, 10));
    }

    @Test
    void anAttemptReadsBackEqual() {
        Instant startedAt = START.plusMillis(1_234);
        RefreshAttempt failure = new RefreshAttempt(KEY, Trigger.INVALIDATE, Outcome.FAILURE, startedAt,
                startedAt.plus(Duration.ofMillis(2_500)), 3, OptionalInt.of(503), Optional.of("temporarily_unavailable"),
                Optional.of("the token endpoint answered 503"), 42);

        log.record(failure);

        assertEquals(List.of(failure), log.recent(KEY, 10));
    }

    @Test
    void recentListsTheNewestFirst() {
        List<RefreshAttempt> oldestFirst = recordAll(success(KEY, 1), success(KEY, 2), success(KEY, 3));

        assertEquals(List.of(oldestFirst.get(2), oldestFirst.get(1), oldestFirst.get(0)), log.recent(KEY, 10));
    }

    @Test
    void recentReturnsAtMostLimitOfTheNewest() {
        List<RefreshAttempt> oldestFirst = recordAll(success(KEY, 1), success(KEY, 2), success(KEY, 3),
                success(KEY, 4), success(KEY, 5));

        assertEquals(List.of(oldestFirst.get(4), oldestFirst.get(3)), log.recent(KEY, 2));
        assertEquals(List.of(oldestFirst.get(4)), log.recent(KEY, 1));
    }

    @Test
    void connectionsHaveSeparateLogs() {
        RefreshAttempt mine = success(KEY, 1);
        RefreshAttempt theirs = success(OTHER_KEY, 1);
        recordAll(mine, theirs);

        assertEquals(List.of(mine), log.recent(KEY, 10));
        assertEquals(List.of(theirs), log.recent(OTHER_KEY, 10));
    }

    @Test
    void aLimitBelowOneIsRejected() {
        recordAll(success(KEY, 1));

        assertThrows(IllegalArgumentException.class, () -> log.recent(KEY, 0));
        assertThrows(IllegalArgumentException.class, () -> log.recent(KEY, -1));
        assertThrows(IllegalArgumentException.class, () -> log.recent(OTHER_KEY, 0), "also for an empty log");
    }

    @Test
    void historyPagesNewestFirstWithACursorUntilTheOldest() {
        List<RefreshAttempt> oldestFirst = recordAll(success(KEY, 1), success(KEY, 2), success(KEY, 3),
                success(KEY, 4), success(KEY, 5));
        recordAll(success(OTHER_KEY, 1));

        RefreshPage first = log.history(KEY, Optional.empty(), 2);
        assertEquals(List.of(oldestFirst.get(4), oldestFirst.get(3)), first.attempts());
        assertTrue(first.next().isPresent(), "more pages follow");

        RefreshAttempt newer = success(KEY, 6);
        log.record(newer);
        RefreshPage second = log.history(KEY, first.next(), 2);
        assertEquals(List.of(oldestFirst.get(2), oldestFirst.get(1)), second.attempts(),
                "an attempt recorded meanwhile does not shift later pages");

        RefreshPage last = log.history(KEY, second.next(), 2);
        assertEquals(List.of(oldestFirst.get(0)), last.attempts());
        assertEquals(Optional.empty(), last.next());
        assertEquals(newer, log.history(KEY, Optional.empty(), 1).attempts().get(0));
    }

    @Test
    void aPageThatEndsExactlyAtTheOldestHasNoNext() {
        recordAll(success(KEY, 1), success(KEY, 2));

        assertEquals(Optional.empty(), log.history(KEY, Optional.empty(), 2).next());
    }

    @Test
    void historyOfAnUnknownConnectionIsAnEmptyLastPage() {
        assertEquals(RefreshPage.empty(), log.history(KEY, Optional.empty(), 10));
        assertThrows(IllegalArgumentException.class, () -> log.history(KEY, Optional.empty(), 0));
    }

    @Test
    void totalsCountAttemptsSuccessesFailuresAndTheAverageDuration() {
        Instant startedAt = START;
        log.record(new RefreshAttempt(KEY, Trigger.REQUEST, Outcome.SUCCESS, startedAt, startedAt.plusMillis(100), 1,
                OptionalInt.empty(), Optional.empty(), Optional.empty(), 1));
        log.record(new RefreshAttempt(KEY, Trigger.PROACTIVE, Outcome.SUCCESS, startedAt.plusSeconds(1),
                startedAt.plusSeconds(1).plusMillis(200), 1, OptionalInt.empty(), Optional.empty(), Optional.empty(),
                2));
        log.record(new RefreshAttempt(KEY, Trigger.MANUAL, Outcome.FAILURE, startedAt.plusSeconds(2),
                startedAt.plusSeconds(2).plusMillis(600), 1, OptionalInt.of(400), Optional.of("invalid_grant"),
                Optional.empty(), 3));
        recordAll(success(OTHER_KEY, 1));

        assertEquals(new RefreshTotals(3, 2, 1, Optional.of(Duration.ofMillis(300))), log.totals(KEY));
        assertEquals(RefreshTotals.none(), log.totals(ConnectionKey.of("nobody", "crm")));
    }

    /** Walks the connection's chain from its start; adapter tests of chains use it too. */
    public static ChainVerification.Verdict verify(RefreshLog log, ConnectionKey key) {
        ChainHead head = log.head(key);
        ChainVerification walk = ChainVerification.from(head, Optional.empty());
        log.chain(key, head.fromSeq() - 1, 1_000).forEach(walk::add);
        return walk.finish();
    }

    @Test
    void eachConnectionsAttemptsFormAChainThatVerifies() {
        List<RefreshAttempt> oldestFirst = recordAll(success(KEY, 1), success(OTHER_KEY, 1), success(KEY, 2),
                success(KEY, 3));

        List<ChainLink> links = log.chain(KEY, 0, 10);
        assertEquals(List.of(1L, 2L, 3L), links.stream().map(ChainLink::seq).toList());
        assertEquals(ChainLink.GENESIS, links.get(0).prevHash());
        assertEquals(links.get(0).hash(), links.get(1).prevHash());
        assertEquals(oldestFirst.get(2), links.get(1).entry());
        assertEquals(new ChainHead(KEY, 1, ChainLink.GENESIS, 3, links.get(2).hash()), log.head(KEY));
        assertEquals(3, verify(log, KEY).rows());
        assertTrue(verify(log, KEY).verified());
        assertEquals(List.of(2L, 3L), log.chain(KEY, 1, 10).stream().map(ChainLink::seq).toList());
        assertEquals(List.of(2L), log.chain(KEY, 1, 1).stream().map(ChainLink::seq).toList());
        assertEquals(ChainHead.empty(ConnectionKey.of("nobody", "crm")), log.head(ConnectionKey.of("nobody", "crm")));
        assertEquals(2, log.heads().size());
    }

    @Test
    void retentionMovesTheChainsStartAndTheRestVerifies() {
        recordAll(success(KEY, 1), success(KEY, 2), success(KEY, 3), success(OTHER_KEY, 1));
        ChainLink second = log.chain(KEY, 0, 10).get(1);

        OptionalLong removed = log.removeBefore(START.plusSeconds(2));

        assertEquals(OptionalLong.of(2), removed, "the first two of KEY started before the cut; OTHER_KEY after");
        assertEquals(new ChainHead(KEY, 3, second.hash(), 3, log.head(KEY).hash()), log.head(KEY));
        assertEquals(1, verify(log, KEY).rows());
        assertTrue(verify(log, KEY).verified());
        assertEquals(1, log.recent(KEY, 10).size());
        assertEquals(1, log.recent(OTHER_KEY, 10).size());
    }
}
