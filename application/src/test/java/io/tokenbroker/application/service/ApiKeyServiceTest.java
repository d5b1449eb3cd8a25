package io.tokenbroker.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryApiKeys;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.application.testing.CountingSecretHasher;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.PresentedApiKey;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.TenantId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyServiceTest {

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryApiKeys keys = new InMemoryApiKeys();
    private final CountingSecretHasher hasher = new CountingSecretHasher();
    private final ApiKeyService service = new ApiKeyService(keys, hasher, clock, new SecureRandom(),
            new ApiKeySettings(Duration.ofSeconds(60), 100, 3, Duration.ofMinutes(1)));

    private ManageApiKeys.Issued issue(Scope... scopes) {
        return service.issue(new ManageApiKeys.Issue("ci", Set.of(scopes), TenantScope.only(Set.of(TenantId.of("acme"))),
                Optional.empty()));
    }

    private Optional<Caller> authenticate(String key) {
        return authenticate(key, "10.0.0.1");
    }

    private Optional<Caller> authenticate(String key, String address) {
        return service.authenticate(new AuthenticateCaller.Command(key, address));
    }

    /** What an administrator editing the store, or another version of the broker, might do to a key. */
    private void changeStored(ApiKey stored, Set<Scope> scopes, String secretHash) {
        keys.save(new ApiKey(stored.id(), stored.name(), scopes, stored.tenants(), stored.createdAt(),
                stored.expiresAt(), stored.revokedAt(), stored.lastUsedAt(), secretHash));
    }

    private static String wrongSecretFor(String key) {
        return key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    }

    @Test
    void anIssuedKeyIsInTheDocumentedFormatAndOnlyItsHashIsStored() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);

        assertTrue(issued.plaintext().matches("tbk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}"), issued.plaintext());
        ApiKey stored = keys.find(issued.key().id()).orElseThrow();
        assertFalse(stored.secretHash().contains(PresentedApiKey.parse(issued.plaintext()).orElseThrow().secret()));
        assertFalse(issued.toString().contains(issued.plaintext()));
    }

    @Test
    void aKeyAuthenticatesWithItsScopesAndTenantsAndIsVerifiedOnlyOnce() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        int before = hasher.verifications();

        Caller caller = authenticate(issued.plaintext()).orElseThrow();
        authenticate(issued.plaintext()).orElseThrow();
        authenticate(issued.plaintext()).orElseThrow();

        assertEquals(Set.of(Scope.TOKEN_READ), caller.scopes());
        assertTrue(caller.actsFor(TenantId.of("acme")));
        assertFalse(caller.actsFor(TenantId.of("globex")));
        assertEquals(before + 1, hasher.verifications(), "one verification, then the cache");
    }

    @Test
    void alreadyVerifiedAnswersFromTheCacheOnlyAndNeverHashes() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        AuthenticateCaller.Command command = new AuthenticateCaller.Command(issued.plaintext(), "10.0.0.1");

        assertTrue(service.alreadyVerified(command).isEmpty(), "not verified yet");
        service.authenticate(command).orElseThrow();
        int before = hasher.verifications();
        assertEquals(issued.key().id(), service.alreadyVerified(command).orElseThrow().keyId());
        assertTrue(service.alreadyVerified(new AuthenticateCaller.Command(wrongSecretFor(issued.plaintext()),
                "10.0.0.1")).isEmpty());
        assertEquals(before, hasher.verifications());
    }

    @Test
    void whenTheCacheEntryLapsesAnUnchangedKeyIsRenewedFromTheStoreWithoutBcrypt() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext());
        int before = hasher.verifications();
        clock.advance(Duration.ofSeconds(61));

        assertTrue(authenticate(issued.plaintext()).isPresent());
        clock.advance(Duration.ofSeconds(61));
        assertTrue(authenticate(issued.plaintext()).isPresent());
        assertEquals(before, hasher.verifications(), "the stored hash did not change: no bcrypt");
    }

    @Test
    void aKeyWhoseStoredHashChangedIsVerifiedAgainAfterItsEntryLapses() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext()).orElseThrow();
        ApiKey stored = keys.find(issued.key().id()).orElseThrow();
        changeStored(stored, stored.scopes(), hasher.hash("another secret"));
        int before = hasher.verifications();

        assertTrue(authenticate(issued.plaintext()).isPresent(), "still trusted until its entry lapses");
        clock.advance(Duration.ofSeconds(61));
        assertTrue(authenticate(issued.plaintext()).isEmpty(), "the secret no longer matches the stored hash");
        assertEquals(before + 1, hasher.verifications());
    }

    @Test
    void aKeyRevokedElsewhereIsRefusedOnceItsEntryLapsesEvenWithoutAnAnnouncement() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext()).orElseThrow();
        ApiKeyService otherInstance = new ApiKeyService(keys, hasher, clock, new SecureRandom(),
                ApiKeySettings.defaults());
        otherInstance.revoke(issued.key().id());
        int before = hasher.verifications();

        clock.advance(Duration.ofSeconds(61));

        assertTrue(authenticate(issued.plaintext()).isEmpty());
        assertTrue(service.alreadyVerified(new AuthenticateCaller.Command(issued.plaintext(), "10.0.0.1")).isEmpty());
        assertEquals(before, hasher.verifications(), "refused from the stored record, without bcrypt");
    }

    @Test
    void aKeyWhoseScopesChangedIsRenewedWithTheStoredScopes() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext()).orElseThrow();
        ApiKey stored = keys.find(issued.key().id()).orElseThrow();
        changeStored(stored, Set.of(Scope.LOGS_READ), stored.secretHash());

        clock.advance(Duration.ofSeconds(61));

        assertEquals(Set.of(Scope.LOGS_READ), authenticate(issued.plaintext()).orElseThrow().scopes());
    }

    @Test
    void wrongSecretsUnknownIdsAndGarbageAreRefusedAlike() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        int before = hasher.verifications();

        assertTrue(authenticate(wrongSecretFor(issued.plaintext())).isEmpty());
        assertTrue(authenticate("tbk_0000000000000000_" + "A".repeat(43), "10.0.0.2").isEmpty());
        assertTrue(authenticate("not a key", "10.0.0.3").isEmpty());
        assertEquals(before + 2, hasher.verifications(), "an unknown id is verified against a dummy hash too");
    }

    @Test
    void aRevokedKeyStopsWorkingAtOnceEvenWhenCached() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext()).orElseThrow();

        service.revoke(issued.key().id());

        assertTrue(authenticate(issued.plaintext()).isEmpty());
    }

    @Test
    void revocationsAndRotationsAreAnnouncedToOtherInstances() {
        java.util.List<io.tokenbroker.domain.apikey.ApiKeyId> announced = new java.util.ArrayList<>();
        ApiKeyService announcing = new ApiKeyService(keys, hasher, clock, new SecureRandom(),
                ApiKeySettings.defaults(), announced::add);
        ManageApiKeys.Issued revoked = announcing.issue(new ManageApiKeys.Issue("a", Set.of(Scope.TOKEN_READ),
                TenantScope.allTenants(), Optional.empty()));
        ManageApiKeys.Issued rotated = announcing.issue(new ManageApiKeys.Issue("b", Set.of(Scope.TOKEN_READ),
                TenantScope.allTenants(), Optional.empty()));

        announcing.revoke(revoked.key().id());
        announcing.rotate(rotated.key().id(), Duration.ofMinutes(5));

        assertEquals(java.util.List.of(revoked.key().id(), rotated.key().id()), announced);
    }

    @Test
    void forgettingAKeyMakesTheNextCallVerifyItAgainAgainstTheStore() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext()).orElseThrow();
        int before = hasher.verifications();

        service.forget(issued.key().id());

        assertTrue(service.alreadyVerified(new AuthenticateCaller.Command(issued.plaintext(), "10.0.0.1")).isEmpty());
        assertTrue(authenticate(issued.plaintext()).isPresent());
        assertEquals(before + 1, hasher.verifications());
    }

    @Test
    void aRotatedKeyWorksBesideItsSuccessorDuringTheGracePeriodOnly() {
        ManageApiKeys.Issued old = issue(Scope.TOKEN_READ, Scope.LOGS_READ);
        authenticate(old.plaintext()).orElseThrow();

        ManageApiKeys.Issued successor = service.rotate(old.key().id(), Duration.ofMinutes(10));

        assertEquals(old.key().scopes(), successor.key().scopes());
        assertTrue(authenticate(old.plaintext()).isPresent());
        assertTrue(authenticate(successor.plaintext()).isPresent());
        clock.advance(Duration.ofMinutes(10));
        assertTrue(authenticate(old.plaintext()).isEmpty());
        assertTrue(authenticate(successor.plaintext()).isPresent());
    }

    @Test
    void anExpiredKeyIsRefused() {
        ManageApiKeys.Issued issued = service.issue(new ManageApiKeys.Issue("short", Set.of(Scope.TOKEN_READ),
                TenantScope.allTenants(), Optional.of(clock.instant().plusSeconds(30))));
        authenticate(issued.plaintext()).orElseThrow();
        clock.advance(Duration.ofSeconds(30));

        assertTrue(authenticate(issued.plaintext()).isEmpty());
    }

    @Test
    void repeatedFailuresFromOneAddressAreThrottledBeforeAnyHashing() {
        for (int i = 0; i < 3; i++) {
            authenticate("tbk_" + "%016d".formatted(i) + "_" + "A".repeat(43), "203.0.113.9");
        }
        int before = hasher.verifications();

        AuthenticateCaller.Throttled throttled = assertThrows(AuthenticateCaller.Throttled.class,
                () -> authenticate("tbk_" + "9".repeat(16) + "_" + "A".repeat(43), "203.0.113.9"));

        assertEquals(before, hasher.verifications());
        assertEquals(Optional.of(Duration.ofMinutes(1)), throttled.retryAfter());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(authenticate("tbk_" + "9".repeat(16) + "_" + "A".repeat(43), "203.0.113.9").isEmpty());
    }

    @Test
    void wrongSecretsForOneKeyIdAreThrottledButDoNotLockOutItsVerifiedHolder() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext()).orElseThrow();
        for (int i = 0; i < 3; i++) {
            authenticate(wrongSecretFor(issued.plaintext()), "198.51.100." + i);
        }

        assertThrows(AuthenticateCaller.Throttled.class,
                () -> authenticate(wrongSecretFor(issued.plaintext()), "198.51.100.77"));
        assertTrue(authenticate(issued.plaintext()).isPresent());
    }

    @Test
    void aVerifiedKeyBehindAnAddressThatIsThrottledStillWorks() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext(), "192.0.2.1").orElseThrow();
        for (int i = 0; i < 3; i++) {
            authenticate("tbk_" + "%016d".formatted(i) + "_" + "A".repeat(43), "192.0.2.1");
        }

        assertThrows(AuthenticateCaller.Throttled.class,
                () -> authenticate("tbk_" + "9".repeat(16) + "_" + "A".repeat(43), "192.0.2.1"));
        assertTrue(authenticate(issued.plaintext(), "192.0.2.1").isPresent());
    }

    @Test
    void lastUseIsWrittenInBatchesNotOnTheRequestPath() {
        ManageApiKeys.Issued issued = issue(Scope.TOKEN_READ);
        authenticate(issued.plaintext());

        assertTrue(keys.find(issued.key().id()).orElseThrow().lastUsedAt().isEmpty());
        service.flushUsage();
        assertEquals(Optional.of(clock.instant()), keys.find(issued.key().id()).orElseThrow().lastUsedAt());
    }

    @Test
    void aConfiguredAdminKeyIsStoredOnceAndWorks() {
        String configured = "tbk_admin00000000001_" + "x".repeat(43);

        assertEquals(Optional.empty(), service.ensureAdminKey(Optional.of(configured)));
        assertEquals(Optional.empty(), service.ensureAdminKey(Optional.of(configured)));

        Caller admin = authenticate(configured).orElseThrow();
        assertTrue(admin.scopes().contains(Scope.ADMIN));
        assertEquals(1, keys.list().size());
    }

    @Test
    void withoutAConfiguredAdminKeyOneIsGeneratedOnce() {
        Optional<ManageApiKeys.Issued> generated = service.ensureAdminKey(Optional.empty());

        assertTrue(generated.isPresent());
        assertEquals(Optional.empty(), service.ensureAdminKey(Optional.empty()));
        assertTrue(authenticate(generated.get().plaintext()).orElseThrow().scopes().contains(Scope.ADMIN));
    }

    @Test
    void aMalformedConfiguredAdminKeyIsRefusedWithoutEchoingIt() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> service.ensureAdminKey(Optional.of("admin-password-123")));

        assertFalse(refused.getMessage().contains("admin-password-123"));
    }
}
