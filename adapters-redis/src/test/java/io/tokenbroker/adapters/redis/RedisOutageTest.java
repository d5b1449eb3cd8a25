package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * One Redis restart is one outage, whatever order the connections come back in. Each event loop has a connection of
 * its own (issue 17) and may reconnect before the shared one that leases and writes go over.
 */
class RedisOutageTest {

    private final RedisOutage outage = new RedisOutage();

    @Test
    void aLoopConnectionBackBeforeTheSharedOneMakesNoSecondOutage() {
        outage.lost("connection closed by the shared connection", true);

        outage.succeeded();
        assertFalse(outage.isDown(), "answered over a loop's connection: reads go to Redis again");
        outage.failed("acquire lease", new IOException("Currently not connected. Commands are rejected."));
        assertTrue(outage.isDown(), "the shared connection is not back: leases and writes fall back");
        outage.sharedUp();

        assertFalse(outage.isDown());
        assertEquals(1, outage.outages(), "one restart, one outage");
        assertEquals(1, outage.failedCalls());
    }

    @Test
    void afterThePubSubConnectionIsLostAFailedCallIsASecondOutage() {
        outage.lost("connection closed by the pub/sub connection", false);
        outage.succeeded();

        outage.failed("read token", new IOException("timeout"));

        assertEquals(2, outage.outages(), "the shared connection never dropped: this is news");
    }

    @Test
    void aFailureAfterTheSharedConnectionCameBackIsASecondOutage() {
        outage.lost("connection closed by the shared connection", true);
        outage.sharedUp();

        outage.failed("read token", new IOException("timeout"));

        assertTrue(outage.isDown());
        assertEquals(2, outage.outages());
    }
}
