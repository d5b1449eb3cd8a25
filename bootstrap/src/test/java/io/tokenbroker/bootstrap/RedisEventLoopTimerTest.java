package io.tokenbroker.bootstrap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.Timeout;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lettuce's timer on the server's loops: a timeout asked for on a loop (Lettuce's per-command timeout, set when a
 * command is written there) is kept and run by that loop, and cancelled there, never handed to another loop.
 */
class RedisEventLoopTimerTest {

    private final EventLoopGroup group = new DefaultEventLoopGroup(2);
    private final List<EventExecutor> loops = StreamSupport.stream(group.spliterator(), false).toList();
    private final RedisEventLoopTimer timer = new RedisEventLoopTimer(group);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Twice from each loop in turn: the group's own round-robin choice would put one of each pair elsewhere. */
    @Test
    void aTimeoutAskedForOnALoopRunsOnThatLoop() {
        for (EventExecutor loop : loops) {
            for (int twice = 0; twice < 2; twice++) {
                CompletableFuture<Thread> ran = new CompletableFuture<>();
                loop.execute(() -> timer.newTimeout(expired -> ran.complete(Thread.currentThread()), 0,
                        TimeUnit.MILLISECONDS));
                Thread thread = ran.join();
                assertTrue(loop.inEventLoop(thread), "ran on " + thread.getName() + ", not on the loop that asked");
            }
        }
    }

    @Test
    void aTimeoutCancelledOnItsLoopNeverRuns() {
        for (EventExecutor loop : loops) {
            CompletableFuture<Timeout> asked = new CompletableFuture<>();
            loop.execute(() -> asked.complete(timer.newTimeout(expired -> {
                throw new AssertionError("a cancelled timeout ran");
            }, 1, TimeUnit.HOURS)));
            Timeout timeout = asked.join();
            CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
            loop.execute(() -> cancelled.complete(timeout.cancel()));

            assertTrue(cancelled.join());
            assertTrue(timeout.isCancelled());
            assertFalse(timeout.isExpired());
        }
    }

    @Test
    void aTimeoutAskedForElsewhereRunsOnOneOfTheLoops() {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        timer.newTimeout(expired -> ran.complete(Thread.currentThread()), 0, TimeUnit.MILLISECONDS);

        Thread thread = ran.join();
        assertTrue(loops.stream().anyMatch(loop -> loop.inEventLoop(thread)), "ran on " + thread.getName());
    }
}
