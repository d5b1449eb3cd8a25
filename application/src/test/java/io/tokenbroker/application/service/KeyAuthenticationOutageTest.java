package io.tokenbroker.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryApiKeys;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.BrokerUnavailableException;
import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.application.testing.CountingSecretHasher;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.TenantId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * While the key store is down (issue 18): a key this instance verified stays trusted past its cache entry, until it
 * expires or is revoked (forgotten); a key it never verified is refused as unavailable (503), not as unknown (401).
 */
class KeyAuthenticationOutageTest {

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final StoppableKeys keys = new StoppableKeys();
    private final CountingSecretHasher hasher = new CountingSecretHasher();
    private final ApiKeyService service = new ApiKeyService(keys, hasher, clock, new SecureRandom(),
            new ApiKeySettings(Duration.ofSeconds(60), 100, 3, Duration.ofMinutes(1)));

    @Test
    void aVerifiedKeyStaysTrustedWhileTheStoreIsDown() {
        ManageApiKeys.Issued issued = issue(Optional.empty());
        Caller verified = authenticate(issued.plaintext()).orElseThrow();
        keys.down = true;
        clock.advance(Duration.ofMinutes(5));

        assertEquals(verified, authenticate(issued.plaintext()).orElseThrow(), "renewed from memory");
        assertEquals(verified, authenticate(issued.plaintext()).orElseThrow());
        assertTrue(keys.failedLookups > 0, "the store was asked first each time");
    }

    @Test
    void aRevokedOrExpiredKeyIsNotTrustedFromMemory() {
        ManageApiKeys.Issued revoked = issue(Optional.empty());
        ManageApiKeys.Issued expiring = issue(Optional.of(clock.instant().plus(Duration.ofMinutes(2))));
        authenticate(revoked.plaintext()).orElseThrow();
        authenticate(expiring.plaintext()).orElseThrow();
        keys.down = true;
        service.forget(revoked.key().id());
        clock.advance(Duration.ofMinutes(5));

        assertThrows(BrokerUnavailableException.class, () -> authenticate(revoked.plaintext()),
                "forgotten: it must be verified against the store, which is down");
        assertTrue(authenticate(expiring.plaintext()).isEmpty(), "expired meanwhile");
    }

    @Test
    void aKeyNeverVerifiedHereIsUnavailableNotUnknown() {
        ManageApiKeys.Issued issued = issue(Optional.empty());
        keys.down = true;

        BrokerException refused = assertThrows(BrokerUnavailableException.class,
                () -> authenticate(issued.plaintext()));
        assertEquals(BrokerException.Kind.UNAVAILABLE, refused.kind());
        assertTrue(refused.retryAfter().isPresent());
        assertEquals(0, hasher.verifications(), "nothing to verify against");
    }

    private ManageApiKeys.Issued issue(Optional<Instant> expiresAt) {
        return service.issue(new ManageApiKeys.Issue("ci", Set.of(Scope.TOKEN_READ),
                TenantScope.only(Set.of(TenantId.of("acme"))), expiresAt));
    }

    private Optional<Caller> authenticate(String key) {
        return service.authenticate(new AuthenticateCaller.Command(key, "10.0.0.1"));
    }

    /** The in-memory key store, which can be stopped: then every call fails as a database outage does. */
    private static final class StoppableKeys implements ApiKeys {

        private final InMemoryApiKeys stored = new InMemoryApiKeys();
        boolean down;
        int failedLookups;

        @Override
        public Optional<ApiKey> find(ApiKeyId id) {
            if (down) {
                failedLookups++;
            }
            return reachable().find(id);
        }

        @Override
        public void save(ApiKey key) {
            reachable().save(key);
        }

        @Override
        public List<ApiKey> list() {
            return reachable().list();
        }

        @Override
        public void recordUse(Map<ApiKeyId, Instant> lastUsed) {
            reachable().recordUse(lastUsed);
        }

        private ApiKeys reachable() {
            if (down) {
                throw new StoreUnavailableException("the key store is down", null);
            }
            return stored;
        }
    }
}
