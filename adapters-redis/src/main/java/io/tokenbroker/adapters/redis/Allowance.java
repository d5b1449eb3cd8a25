package io.tokenbroker.adapters.redis;

/**
 * One instance's share of one bucket's budget in one window. {@code balance} is what confirmed leases granted minus
 * what was admitted; it may go down to {@code -chunk} (admitted on credit while a lease is on its way), which is the
 * whole of this instance's possible over-admission. Thread-safe: every method holds the monitor briefly, never
 * across a Redis call.
 */
final class Allowance {

    /** @param lease whether the caller should start a lease now */
    record Taken(boolean allowed, long remaining, boolean lease) {
    }

    final long window;
    final long chunk;
    private final long limit;
    private long balance;
    private long used;
    /** The shared counter as the last lease saw it: the budget leased by every instance together. */
    private long leasedByAll;
    private long leasedByMe;
    private boolean leasing;
    /** Redis failed this window: admit up to the limit from this instance's own count. */
    private boolean local;

    Allowance(long window, long limit, long chunk) {
        this.window = window;
        this.limit = limit;
        this.chunk = chunk;
    }

    synchronized Taken take() {
        boolean exhausted = leasedByAll >= limit;
        boolean allowed = local ? used < limit : balance > (exhausted ? 0 : -chunk);
        if (allowed) {
            balance--;
            used++;
        }
        boolean lease = !local && !leasing && !exhausted && balance < chunk / 2 + 1;
        leasing |= lease;
        return new Taken(allowed, remaining(), lease);
    }

    private long remaining() {
        long others = leasedByAll - leasedByMe;
        return Math.max(0, limit - others - used);
    }

    /** @return whether to lease again at once */
    synchronized boolean leased(long countAfter) {
        long granted = Math.max(0, Math.min(chunk, limit - (countAfter - chunk)));
        leasedByAll = Math.max(leasedByAll, countAfter);
        leasedByMe += granted;
        balance += granted;
        leasing = false;
        boolean again = granted == chunk && leasedByAll < limit && balance < chunk / 2 + 1;
        leasing = again;
        return again;
    }

    /** @return false: after a failed lease this window is counted locally */
    synchronized boolean failed() {
        local = true;
        leasing = false;
        return false;
    }
}
