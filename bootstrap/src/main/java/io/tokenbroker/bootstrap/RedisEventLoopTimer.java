package io.tokenbroker.bootstrap;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

/**
 * Lettuce's timer (handshake timeouts, reconnect delays) on the HTTP server's event loops instead of a
 * {@code HashedWheelTimer}, which keeps a thread of its own awake ten times a second for the life of the process. The
 * tasks Lettuce schedules only hand work on to its executors, so they may run on an event loop. Stopping it stops
 * nothing: the loops belong to the server.
 *
 * <p>A timeout asked for on one of the loops is kept by that loop: Lettuce sets one per command (its command
 * timeout) and cancels it when the reply arrives, and a command started on a loop is answered there, so both stay
 * in that loop's own queue instead of being handed to whichever loop the group picks next.
 */
final class RedisEventLoopTimer implements Timer {

    private final EventExecutorGroup loops;
    private final EventExecutor[] members;

    RedisEventLoopTimer(EventExecutorGroup loops) {
        this.loops = Objects.requireNonNull(loops, "loops");
        this.members = StreamSupport.stream(loops.spliterator(), false).toArray(EventExecutor[]::new);
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Scheduled timeout = new Scheduled(task);
        timeout.future = here().schedule(timeout::expire, delay, unit);
        return timeout;
    }

    /** The calling thread's loop when it is one of the group's, else the group (which picks one). */
    private EventExecutorGroup here() {
        for (EventExecutor loop : members) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return loops;
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
