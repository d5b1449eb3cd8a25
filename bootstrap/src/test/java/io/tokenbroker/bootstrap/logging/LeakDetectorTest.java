package io.tokenbroker.bootstrap.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Proof that the net catches what it is meant to catch, so a quiet run means something. */
class LeakDetectorTest {

    @Test
    void aLoggedKeyOrTokenIsCaughtAndAnIdIsNot() {
        LeakDetectingAppender.takeLeaks();
        var log = LoggerFactory.getLogger("leak.probe");

        log.info("key id abcdefghij012345 asked for tenant acme");
        assertTrue(LeakDetectingAppender.takeLeaks().isEmpty());

        log.info("oops {}", "tbk_abcdefghij012345_" + "Q".repeat(43));
        log.warn("token sbx_at_12_abcdefghijkl");
        assertEquals(List.of("INFO leak.probe", "WARN leak.probe"), LeakDetectingAppender.takeLeaks());
    }
}
