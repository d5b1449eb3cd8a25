package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The schedule of one process: an ordered set by due time, guarded by this object's monitor. */
public final class InMemoryRefreshSchedule implements RefreshSchedule {

    private static final Comparator<Entry> SOONEST_FIRST = Comparator.comparing(Entry::due)
            .thenComparing(Entry::key, Connections.LISTING_ORDER);

    private final TreeSet<Entry> byDue = new TreeSet<>(SOONEST_FIRST);
    private final Map<ConnectionKey, Entry> byKey = new HashMap<>();

    @Override
    public synchronized void schedule(Entry entry) {
        Entry previous = byKey.put(entry.key(), entry);
        if (previous != null) {
            byDue.remove(previous);
        }
        byDue.add(entry);
    }

    @Override
    public synchronized List<Entry> claimDue(Instant now, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        List<Entry> claimed = new ArrayList<>();
        while (claimed.size() < max && !byDue.isEmpty() && !byDue.first().due().isAfter(now)) {
            Entry due = byDue.pollFirst();
            byKey.remove(due.key());
            claimed.add(due);
        }
        return claimed;
    }

    @Override
    public synchronized void remove(ConnectionKey key) {
        Entry previous = byKey.remove(key);
        if (previous != null) {
            byDue.remove(previous);
        }
    }

    @Override
    public synchronized int size() {
        return byKey.size();
    }
}
