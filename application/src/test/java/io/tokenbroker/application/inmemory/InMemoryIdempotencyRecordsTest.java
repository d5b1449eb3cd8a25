package io.tokenbroker.application.inmemory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.IdempotencyRecordsContract;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyRecordsTest extends IdempotencyRecordsContract {

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));

    @Override
    protected IdempotencyRecords newRecords() {
        return new InMemoryIdempotencyRecords(clock);
    }

    @Test
    void aRecordIsForgottenAfterItsWindow() {
        IdempotencyRecords records = newRecords();
        records.claim("k", "fp", Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(15));

        assertTrue(records.claim("k", "fp", Duration.ofMinutes(15)).isEmpty());
    }
}
