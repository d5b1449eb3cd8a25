package io.tokenbroker.application.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler that runs every task at once and remembers the delay each was scheduled with, so a test asserts
 * backoffs without waiting them out. Its threads are daemons named {@code <name>-<n>}.
 */
public final class RecordingScheduler extends ScheduledThreadPoolExecutor {

    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    public RecordingScheduler(int threads, String name) {
        super(threads, new DaemonThreads(name));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        // execute() and submit() come through here with a zero delay; only real schedules carry one.
        if (delay > 0) {
            delays.add(Duration.ofNanos(unit.toNanos(delay)));
        }
        return super.schedule(command, 0, unit);
    }

    /** The positive delays asked for so far, in the order they were asked for. */
    public List<Duration> delays() {
        return List.copyOf(delays);
    }

    private record DaemonThreads(String name, AtomicInteger count) implements java.util.concurrent.ThreadFactory {

        DaemonThreads(String name) {
            this(name, new AtomicInteger());
        }

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
