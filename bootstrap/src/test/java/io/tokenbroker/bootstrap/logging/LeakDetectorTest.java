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

    @Test
    void theConnectFlowsShapesAndWatchedValuesAreCaught() {
        LeakDetectingAppender.takeLeaks();
        var log = LoggerFactory.getLogger("leak.probe");

        log.info("consent of acme/books completed, state digest {}", "ab12".repeat(16));
        assertTrue(LeakDetectingAppender.takeLeaks().isEmpty(), "a 64-hex digest is no handle");

        log.info("link {}", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        log.info("token {}", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY21lIn0.c2ln");
        LeakDetectingAppender.watch("code-seen-by-the-test");
        log.info("callback with code-seen-by-the-test");
        assertEquals(List.of("INFO leak.probe", "INFO leak.probe", "INFO leak.probe"),
                LeakDetectingAppender.takeLeaks());
    }
}
