package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which failed calls count as a Redis outage, against a real Redis that answers every one of them. */
class RedisCallsTest {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private static final String[] KEYS = {"tb:{calls}:k"};

    private final RedisOutage outage = new RedisOutage();
    private RedisCalls calls;

    @BeforeEach
    void connect() {
        StatefulRedisConnection<String, String> connection = REDIS.freshFixture().raw();
        calls = new RedisCalls(connection.async(), RedisFixture.COMMAND_TIMEOUT, outage);
    }

    @Test
    void aScriptErrorFailsItsCallButIsNoOutage() {
        RedisUnavailableException refused = assertThrows(RedisUnavailableException.class, () -> calls.eval(
                "a broken script", "local due = nil; return due > 1", ScriptOutputType.INTEGER, KEYS));

        assertEquals("Redis refused a broken script (ERR)", refused.getMessage());
        assertNull(refused.getCause(), "the reply's text could echo the command's arguments");
        assertFalse(outage.isDown(), "Redis answered: adapters must not fail open for everybody");
        assertEquals(0, outage.failedCalls());
        assertEquals(0, outage.outages());
        Long next = calls.eval("a sound script", "return 1", ScriptOutputType.INTEGER, KEYS);
        assertEquals(1L, next, "the next call goes through, not skipped until a probe");
    }

    @Test
    void aReplyThatSaysRedisCannotServeNowStaysAnOutage() {
        assertThrows(RedisUnavailableException.class, () -> calls.eval("a script on a busy server",
                "return redis.error_reply('BUSY Redis is busy running a script')", ScriptOutputType.INTEGER, KEYS));

        assertTrue(outage.isDown());
        assertEquals(1, outage.failedCalls());
    }

    @Test
    void aReplyOfTheWrongTypeIsTheCommandsFault() {
        calls.call("write a string", redis -> redis.set(KEYS[0], "text"));

        assertThrows(RedisUnavailableException.class, () -> calls.call("read it as a hash",
                redis -> redis.hget(KEYS[0], "field")));

        assertFalse(outage.isDown());
        assertEquals(0, outage.failedCalls());
    }

    /**
     * Reactor's single scheduler runs on a thread marked non-blocking, as Micronaut marks its event loops: a blocking
     * call there is refused before it reaches Redis (Lettuce may share that loop and could never read the reply),
     * counted, and not an outage; the asynchronous call that belongs there still goes through.
     */
    @Test
    void aBlockingCallOnAnEventLoopIsRefusedAndTheAsyncOneIsNot() {
        Scheduler loop = Schedulers.newSingle("test-event-loop");
        try {
            CompletableFuture<String> blocking = new CompletableFuture<>();
            loop.schedule(() -> {
                try {
                    blocking.complete(calls.call("write on a loop", redis -> redis.set(KEYS[0], "written")));
                } catch (RuntimeException refused) {
                    blocking.completeExceptionally(refused);
                }
            });
            Throwable refused = assertThrows(CompletionException.class, blocking::join).getCause();
            assertInstanceOf(RedisUnavailableException.class, refused);
            assertEquals("Redis unavailable during write on a loop, refused: a blocking call on an event loop",
                    refused.getMessage());
            assertEquals(1, calls.refusedOnEventLoop());
            assertFalse(outage.isDown(), "Redis was never asked: no outage");
            assertEquals(0, outage.failedCalls());
            assertNull(calls.call("read it from a worker", redis -> redis.get(KEYS[0])), "nothing was written");

            CompletableFuture<String> async = new CompletableFuture<>();
            loop.schedule(() -> calls.callAsync("write on a loop without waiting", redis -> redis.set(KEYS[0], "w"))
                    .whenComplete((reply, failed) -> {
                        if (failed != null) {
                            async.completeExceptionally(failed);
                        } else {
                            async.complete(reply);
                        }
                    }));
            assertEquals("OK", async.join());
            assertEquals(1, calls.refusedOnEventLoop());
        } finally {
            loop.dispose();
        }
    }
}
