package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimits} adapter must do. Buckets are random per test so adapters need not be emptied. */
public abstract class RateLimitsContract {

    private RateLimits limits;
    private String bucket;

    protected abstract RateLimits newRateLimits();

    /** Lets the current windows end (a test clock moves; a real server's adapter may use a tiny window instead). */
    protected abstract void endCurrentWindows(Duration window);

    @BeforeEach
    void create() {
        limits = newRateLimits();
        bucket = "test:" + UUID.randomUUID();
    }

    @Test
    void requestsWithinTheLimitAreAllowedAndCountDown() {
        RateLimit three = new RateLimit(3, Duration.ofMinutes(1));

        Admission first = limits.admit(bucket, three);
        Admission second = limits.admit(bucket, three);

        assertTrue(first.allowed());
        assertEquals(2, first.remaining());
        assertEquals(1, second.remaining());
        assertEquals(3, second.limit());
        assertTrue(second.resetAfter().compareTo(Duration.ofMinutes(1)) <= 0);
        assertTrue(second.resetAfter().compareTo(Duration.ZERO) > 0);
    }

    @Test
    void theRequestBeyondTheLimitIsRefused() {
        RateLimit two = new RateLimit(2, Duration.ofMinutes(1));
        limits.admit(bucket, two);
        limits.admit(bucket, two);

        Admission third = limits.admit(bucket, two);

        assertFalse(third.allowed());
        assertEquals(0, third.remaining());
    }

    @Test
    void bucketsAreIndependent() {
        RateLimit one = new RateLimit(1, Duration.ofMinutes(1));
        limits.admit(bucket, one);

        assertTrue(limits.admit(bucket + ":other", one).allowed());
    }

    @Test
    void aNewWindowStartsAfresh() {
        RateLimit one = new RateLimit(1, Duration.ofMinutes(1));
        limits.admit(bucket, one);
        assertFalse(limits.admit(bucket, one).allowed());

        endCurrentWindows(Duration.ofMinutes(1));

        assertTrue(limits.admit(bucket, one).allowed());
    }
}
