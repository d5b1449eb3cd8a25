package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The schedule of one process: queued entries in an ordered set by due time, claims with their deadline, demand per
 * connection; all guarded by this object's monitor.
 */
public final class InMemoryRefreshSchedule implements RefreshSchedule {

    private static final Comparator<Entry> SOONEST_FIRST = Comparator.comparing(Entry::due)
            .thenComparing(Entry::key, Connections.LISTING_ORDER);

    private record Claimed(Entry entry, Instant until) {
    }

    private final TreeSet<Entry> byDue = new TreeSet<>(SOONEST_FIRST);
    private final Map<ConnectionKey, Entry> queued = new HashMap<>();
    private final Map<ConnectionKey, Claimed> claimed = new HashMap<>();
    private final Map<ConnectionKey, Instant> demand = new HashMap<>();

    @Override
    public synchronized void schedule(Entry entry) {
        claimed.remove(entry.key());
        queue(entry);
    }

    @Override
    public synchronized boolean offer(Entry entry) {
        if (claimed.containsKey(entry.key())) {
            return false;
        }
        Entry current = queued.get(entry.key());
        if (current != null && !replaces(entry, current)) {
            return false;
        }
        queue(entry);
        return true;
    }

    // The same rule as the Redis adapter's script: see RefreshSchedule#offer.
    private static boolean replaces(Entry offered, Entry current) {
        int newer = offered.tokenIssuedAt().compareTo(current.tokenIssuedAt());
        if (newer != 0) {
            return newer > 0;
        }
        return offered.due().isBefore(current.due()) && current.failures() == 0;
    }

    @Override
    public synchronized List<Claim> claimDue(Instant now, int max, Instant claimedUntil) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        if (!claimedUntil.isAfter(now)) {
            throw new IllegalArgumentException("a claim must last beyond now");
        }
        for (Iterator<Claimed> claims = claimed.values().iterator(); claims.hasNext(); ) {
            Claimed claim = claims.next();
            if (!claim.until().isAfter(now)) {
                claims.remove();
                queue(claim.entry());
            }
        }
        List<Claim> taken = new ArrayList<>();
        while (taken.size() < max && !byDue.isEmpty() && !byDue.first().due().isAfter(now)) {
            Entry due = byDue.pollFirst();
            queued.remove(due.key());
            claimed.put(due.key(), new Claimed(due, claimedUntil));
            taken.add(new Claim(due, Optional.ofNullable(demand.get(due.key()))));
        }
        return taken;
    }

    @Override
    public synchronized void recordDemand(ConnectionKey key, Instant at) {
        // To the millisecond, as the shared store keeps it.
        demand.merge(key, at.truncatedTo(ChronoUnit.MILLIS), (earlier, later) -> later.isAfter(earlier) ? later : earlier);
    }

    @Override
    public synchronized void remove(ConnectionKey key) {
        unqueue(key);
        claimed.remove(key);
        demand.remove(key);
    }

    @Override
    public synchronized int size() {
        return queued.size() + claimed.size();
    }

    private void queue(Entry entry) {
        unqueue(entry.key());
        queued.put(entry.key(), entry);
        byDue.add(entry);
    }

    private void unqueue(ConnectionKey key) {
        Entry previous = queued.remove(key);
        if (previous != null) {
            byDue.remove(previous);
        }
    }
}
