package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The embedded default's audit trail: the newest {@code capacityPerConnection} attempts per connection, so a
 * connection that fails in a loop cannot grow the heap without bound. Totals count every attempt since start,
 * also those that no longer fit. Each connection's attempts are chained like the durable log's; as the oldest go, the
 * chain's start moves past them (see {@link ChainHead#fromSeq()}).
 */
public final class InMemoryRefreshLog implements RefreshLog {

    /** The attempt as recorded, and its link (whose times are cut to the microsecond). */
    private record Entry(RefreshAttempt attempt, ChainLink link) {
        long sequence() {
            return link.seq();
        }
    }

    /** Newest first; guarded by its own monitor. */
    private static final class History {
        final Deque<Entry> entries = new ArrayDeque<>();
        final ConnectionKey key;
        ChainHead head;
        long sequence;
        long attempts;
        long successes;
        long totalMillis;

        History(ConnectionKey key) {
            this.key = key;
            this.head = ChainHead.empty(key);
        }

        void dropOldest() {
            ChainLink oldest = entries.removeLast().link();
            head = new ChainHead(key, oldest.seq() + 1, oldest.hash(), head.seq(), head.hash());
        }
    }

    /** Names the embedded default as the writer of its links. */
    private static final String INSTANCE = "memory";

    private final ConcurrentMap<ConnectionKey, History> histories = new ConcurrentHashMap<>();
    private final int capacityPerConnection;

    public InMemoryRefreshLog(int capacityPerConnection) {
        if (capacityPerConnection < 1) {
            throw new IllegalArgumentException("the capacity must be at least 1");
        }
        this.capacityPerConnection = capacityPerConnection;
    }

    @Override
    public void record(RefreshAttempt attempt) {
        History history = histories.computeIfAbsent(attempt.connection(), History::new);
        synchronized (history) {
            ChainLink link = ChainLink.append(++history.sequence, history.head.hash(), attempt, INSTANCE);
            history.entries.addFirst(new Entry(attempt, link));
            history.head = history.head.after(link);
            while (history.entries.size() > capacityPerConnection) {
                history.dropOldest();
            }
            history.attempts++;
            if (attempt.outcome() == RefreshAttempt.Outcome.SUCCESS) {
                history.successes++;
            }
            history.totalMillis += attempt.duration().toMillis();
        }
    }

    @Override
    public List<RefreshAttempt> recent(ConnectionKey key, int limit) {
        return history(key, Optional.empty(), limit).attempts();
    }

    @Override
    public RefreshPage history(ConnectionKey key, Optional<RefreshPage.Cursor> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the limit must be at least 1");
        }
        History history = histories.get(key);
        if (history == null) {
            return RefreshPage.empty();
        }
        synchronized (history) {
            long before = after.map(RefreshPage.Cursor::sequence).orElse(Long.MAX_VALUE);
            List<Entry> page = new ArrayList<>(Math.min(limit, history.entries.size()));
            boolean more = false;
            Iterator<Entry> it = history.entries.iterator();
            while (it.hasNext()) {
                Entry entry = it.next();
                if (entry.sequence() >= before) {
                    continue;
                }
                if (page.size() == limit) {
                    more = true;
                    break;
                }
                page.add(entry);
            }
            Optional<RefreshPage.Cursor> next = more
                    ? Optional.of(cursorOf(page.get(page.size() - 1)))
                    : Optional.empty();
            return new RefreshPage(page.stream().map(Entry::attempt).toList(), next);
        }
    }

    @Override
    public RefreshTotals totals(ConnectionKey key) {
        History history = histories.get(key);
        if (history == null) {
            return RefreshTotals.none();
        }
        synchronized (history) {
            return new RefreshTotals(history.attempts, history.successes, history.attempts - history.successes,
                    Optional.of(Duration.ofMillis(Math.round((double) history.totalMillis / history.attempts))));
        }
    }

    private static RefreshPage.Cursor cursorOf(Entry entry) {
        return new RefreshPage.Cursor(entry.attempt().startedAt(), entry.sequence());
    }

    @Override
    public List<ChainLink> chain(ConnectionKey key, long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the limit must be at least 1");
        }
        History history = histories.get(key);
        if (history == null) {
            return List.of();
        }
        synchronized (history) {
            List<ChainLink> links = new ArrayList<>();
            Iterator<Entry> oldestFirst = history.entries.descendingIterator();
            while (oldestFirst.hasNext() && links.size() < limit) {
                ChainLink link = oldestFirst.next().link();
                if (link.seq() > afterSeq) {
                    links.add(link);
                }
            }
            return links;
        }
    }

    @Override
    public ChainHead head(ConnectionKey key) {
        History history = histories.get(key);
        if (history == null) {
            return ChainHead.empty(key);
        }
        synchronized (history) {
            return history.head;
        }
    }

    @Override
    public List<ChainHead> heads() {
        return histories.keySet().stream().map(this::head).toList();
    }

    @Override
    public OptionalLong removeBefore(Instant cutoff) {
        long removed = 0;
        for (History history : histories.values()) {
            synchronized (history) {
                long cut = history.entries.stream().filter(entry -> entry.attempt().startedAt().isBefore(cutoff))
                        .mapToLong(Entry::sequence).max().orElse(0);
                while (!history.entries.isEmpty() && history.entries.getLast().sequence() <= cut) {
                    history.dropOldest();
                    removed++;
                }
            }
        }
        return OptionalLong.of(removed);
    }
}
