package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExpiryRulesTest {

    @Test
    void defaultLifetimeIs3300Seconds() {
        assertEquals(Duration.ofSeconds(3300), ExpiryRules.DEFAULT_LIFETIME);
        assertEquals(Duration.ofSeconds(3300), ExpiryRules.defaults().defaultLifetime());
    }

    @Test
    void defaultMaxLifetimeIs366Days() {
        assertEquals(Duration.ofDays(366), ExpiryRules.DEFAULT_MAX_LIFETIME);
        assertEquals(Duration.ofDays(366), ExpiryRules.defaults().maxLifetime());
    }

    @Test
    void acceptsMaxEqualToDefault() {
        ExpiryRules rules = new ExpiryRules(Duration.ofMinutes(5), Duration.ofMinutes(5));
        assertEquals(rules.defaultLifetime(), rules.maxLifetime());
    }

    @Test
    void rejectsZeroDefault() {
        assertThrows(IllegalArgumentException.class, () -> new ExpiryRules(Duration.ZERO, Duration.ofDays(1)));
    }

    @Test
    void rejectsNegativeDefault() {
        assertThrows(IllegalArgumentException.class,
                () -> new ExpiryRules(Duration.ofSeconds(-1), Duration.ofDays(1)));
    }

    @Test
    void rejectsMaxShorterThanDefault() {
        assertThrows(IllegalArgumentException.class,
                () -> new ExpiryRules(Duration.ofHours(2), Duration.ofHours(1)));
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> new ExpiryRules(null, Duration.ofDays(1)));
        assertThrows(NullPointerException.class, () -> new ExpiryRules(Duration.ofHours(1), null));
    }
}
