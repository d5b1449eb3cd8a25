package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.ConnectAttemptsContract;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.domain.connect.PendingConsent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connect links and states against a real Redis. */
class RedisConnectAttemptsTest extends ConnectAttemptsContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected ConnectAttempts newAttempts() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "test").connectAttempts();
    }

    @Test
    void redisHoldsDigestsAndASealedVerifierExpiringAfterTheEntry() {
        ConnectAttempts attempts = newAttempts();
        Instant expiresAt = Instant.now().plus(Duration.ofMinutes(30));
        attempts.savePending("d1", new PendingConsent(ConnectionKey.of("acme", "books"), "link-digest",
                "browser-digest", Secret.of("the-verifier-value"), Optional.empty(), expiresAt));

        String key = "tb:connect:{d1}:state";
        var stored = fixture.raw().sync().hgetall(key);
        assertFalse(stored.isEmpty(), "stored under " + key);
        assertFalse(stored.toString().contains("the-verifier-value"));
        long ttl = fixture.raw().sync().pttl(key);
        assertTrue(ttl > Duration.ofMinutes(30).toMillis() && ttl <= Duration.ofMinutes(90).toMillis(), "ttl " + ttl);
        assertEquals(Secret.of("the-verifier-value"),
                ((ConnectAttempts.Taken.Fresh) attempts.takePending("d1")).consent().verifier());
    }
}
