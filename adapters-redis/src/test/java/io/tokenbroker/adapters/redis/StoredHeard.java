package io.tokenbroker.adapters.redis;

import java.util.concurrent.TimeUnit;

/**
 * Counts the STORED messages one instance received, and lets a test wait for a number of them: what tests of several
 * instances wait for before their callers come, as callers in production come a pub/sub hop after a store.
 */
final class StoredHeard {

    private int count;

    synchronized void one() {
        count++;
        notifyAll();
    }

    /** False if fewer arrived within 20 s: only a guard against a hung run. */
    synchronized boolean await(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count < atLeast) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
