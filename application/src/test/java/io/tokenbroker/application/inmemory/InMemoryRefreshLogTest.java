package io.tokenbroker.application.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.application.contract.RefreshLogContract;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InMemoryRefreshLogTest extends RefreshLogContract {

    @Override
    protected RefreshLog newRefreshLog() {
        return new InMemoryRefreshLog(100);
    }

    @Test
    void keepsOnlyTheNewestAttemptsUpToItsCapacity() {
        ConnectionKey key = ConnectionKey.of("acme", "crm");
        InMemoryRefreshLog log = new InMemoryRefreshLog(2);
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        for (long fence = 1; fence <= 3; fence++) {
            log.record(new RefreshAttempt(key, Trigger.REQUEST, Outcome.SUCCESS, at, at, 1, OptionalInt.empty(),
                    Optional.empty(), Optional.empty(), fence));
        }

        assertEquals(List.of(3L, 2L), log.recent(key, 10).stream().map(RefreshAttempt::fence).toList());
    }

    @Test
    void aCapacityBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryRefreshLog(0));
    }
}
