package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.port.out.IdempotencyRecords.StoredResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link IdempotencyRecords} adapter must do. Keys are random per test. */
public abstract class IdempotencyRecordsContract {

    private static final Duration TTL = Duration.ofMinutes(15);

    private IdempotencyRecords records;
    private String key;

    protected abstract IdempotencyRecords newRecords();

    @BeforeEach
    void create() {
        records = newRecords();
        key = "test:" + UUID.randomUUID();
    }

    @Test
    void theFirstClaimIsNewAndASecondSeesItInProgress() {
        assertTrue(records.claim(key, "fp-1", TTL).isEmpty());

        IdempotencyRecords.Entry second = records.claim(key, "fp-1", TTL).orElseThrow();

        assertEquals("fp-1", second.requestFingerprint());
        assertTrue(second.response().isEmpty());
    }

    @Test
    void aCompletedClaimAnswersWithTheStoredResponse() {
        records.claim(key, "fp-1", TTL);
        records.complete(key, "fp-1", new StoredResponse(201, "{\"id\":\"x\"}"), TTL);

        IdempotencyRecords.Entry replay = records.claim(key, "fp-1", TTL).orElseThrow();

        assertEquals(Optional.of(new StoredResponse(201, "{\"id\":\"x\"}")), replay.response());
    }

    @Test
    void aClaimWithAnotherFingerprintSeesTheFirstOne() {
        records.claim(key, "fp-1", TTL);

        assertEquals("fp-1", records.claim(key, "fp-2", TTL).orElseThrow().requestFingerprint());
    }

    @Test
    void aReleasedClaimCanBeTakenAgain() {
        records.claim(key, "fp-1", TTL);
        records.release(key);

        assertTrue(records.claim(key, "fp-1", TTL).isEmpty());
    }
}
