package io.tokenbroker.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryRateLimits;
import io.tokenbroker.application.port.in.AdmitRequest;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitServiceTest {

    private static final ApiKeyId KEY = new ApiKeyId("aaaaaaaaaaaaaaaa");
    private static final ApiKeyId VIP = new ApiKeyId("vvvvvvvvvvvvvvvv");
    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final RateLimitService service = new RateLimitService(new InMemoryRateLimits(clock),
            new RateLimit(2, Duration.ofMinutes(1)), Map.of(VIP, new RateLimit(5, Duration.ofMinutes(1))),
            new RateLimit(4, Duration.ofMinutes(1)));

    private boolean admit(ApiKeyId key, String address) {
        return service.admit(new AdmitRequest.Command(Optional.ofNullable(key), address)).allowed();
    }

    @Test
    void aKeyIsHeldToItsLimitWhateverAddressItComesFrom() {
        assertTrue(admit(KEY, "10.0.0.1"));
        assertTrue(admit(KEY, "10.0.0.2"));
        assertFalse(admit(KEY, "10.0.0.3"));
    }

    @Test
    void anAddressIsHeldToItsLimitWhateverKeysItUses() {
        assertTrue(admit(VIP, "10.0.0.9"));
        assertTrue(admit(VIP, "10.0.0.9"));
        assertTrue(admit(VIP, "10.0.0.9"));
        assertTrue(admit(VIP, "10.0.0.9"));
        assertFalse(admit(VIP, "10.0.0.9"), "the address limit (4) is tighter than the key's override (5)");
    }

    @Test
    void aKeyOverrideRaisesItsLimit() {
        for (int i = 0; i < 5; i++) {
            assertTrue(admit(VIP, "10.1.0." + i));
        }
        assertFalse(admit(VIP, "10.1.0.99"));
    }

    @Test
    void theRefusalReportsWhenTheWindowResets() {
        admit(KEY, "10.0.0.1");
        admit(KEY, "10.0.0.1");
        clock.advance(Duration.ofSeconds(20));

        var refused = service.admit(new AdmitRequest.Command(Optional.of(KEY), "10.0.0.1"));

        assertFalse(refused.allowed());
        assertEquals(Duration.ofSeconds(40), refused.resetAfter());
    }

    @Test
    void zeroSwitchesALimitOff() {
        RateLimitService off = new RateLimitService(new InMemoryRateLimits(clock), new RateLimit(0, Duration.ofMinutes(1)),
                Map.of(), new RateLimit(0, Duration.ofMinutes(1)));
        for (int i = 0; i < 100; i++) {
            assertTrue(off.admit(new AdmitRequest.Command(Optional.of(KEY), "10.0.0.1")).allowed());
        }
    }
}
