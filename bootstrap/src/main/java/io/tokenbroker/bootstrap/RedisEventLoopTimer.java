package io.tokenbroker.bootstrap;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce's timer (handshake timeouts, reconnect delays) on the HTTP server's event loops instead of a
 * {@code HashedWheelTimer}, which keeps a thread of its own awake ten times a second for the life of the process. The
 * tasks Lettuce schedules only hand work on to its executors, so they may run on an event loop. Stopping it stops
 * nothing: the loops belong to the server.
 */
final class RedisEventLoopTimer implements Timer {

    private final EventExecutorGroup loops;

    RedisEventLoopTimer(EventExecutorGroup loops) {
        this.loops = Objects.requireNonNull(loops, "loops");
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Scheduled timeout = new Scheduled(task);
        timeout.future = loops.schedule(timeout::expire, delay, unit);
        return timeout;
    }

    @Override
    public Set<Timeout> stop() {
        return Set.of();
    }

    private final class Scheduled implements Timeout {

        private final TimerTask task;
        private volatile ScheduledFuture<?> future;
        private volatile boolean expired;

        private Scheduled(TimerTask task) {
            this.task = Objects.requireNonNull(task, "task");
        }

        private Void expire() throws Exception {
            expired = true;
            task.run(this);
            return null;
        }

        @Override
        public Timer timer() {
            return RedisEventLoopTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public boolean isCancelled() {
            return future.isCancelled();
        }

        @Override
        public boolean cancel() {
            return future.cancel(false);
        }
    }
}
