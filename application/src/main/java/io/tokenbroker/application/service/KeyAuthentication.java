package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.application.port.out.SecretHasher;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.application.service.VerifiedKeys.Verified;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.PresentedApiKey;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * Authenticates callers by API key. bcrypt runs once per key and process: a verified key is then served from
 * {@link VerifiedKeys}, and when its entry lapses the stored key is read again (one cheap lookup, which also bounds
 * how long a revocation an instance did not hear about takes to reach it) and trusted anew without bcrypt unless its
 * hash changed. bcrypt itself runs through {@link SecretVerifications} (single flight, bounded executor). Unknown
 * ids are verified against a dummy hash, so they take as long as wrong secrets. Failures, and attempts in flight,
 * are counted per client address and per key id and past the limit refused before any hashing; keys already
 * verified are served before any throttle, so an attacker cannot lock them out. {@code last_used_at} is collected in
 * memory and written by {@link #flushUsage()} off the request path. While the key store is unavailable, keys this
 * process verified are served from memory and any other key is refused as unavailable (503), not as unknown (401).
 */
final class KeyAuthentication implements AuthenticateCaller {

    private static final System.Logger LOG = System.getLogger(KeyAuthentication.class.getName());

    private final ApiKeys keys;
    private final SecretHasher hasher;
    private final Clock clock;
    private final String dummyHash;
    private final VerifiedKeys verified;
    private final FailureThrottle throttle;
    private final SecretVerifications verifications;
    private final ConcurrentMap<ApiKeyId, Instant> pendingUse = new ConcurrentHashMap<>();

    KeyAuthentication(ApiKeys keys, SecretHasher hasher, Clock clock, ApiKeySettings settings, String dummyHash,
                      Executor verificationExecutor) {
        this.keys = keys;
        this.hasher = hasher;
        this.clock = clock;
        this.dummyHash = dummyHash;
        this.verified = new VerifiedKeys(settings.verifiedCacheTtl(), settings.verifiedCacheSize());
        this.throttle = new FailureThrottle(settings.maxFailures(), settings.failureWindow());
        this.verifications = new SecretVerifications(verificationExecutor);
    }

    @Override
    public CompletionStage<Optional<Caller>> authenticateAsync(Command command) {
        Instant now = clock.instant();
        String address = "addr:" + command.clientAddress();
        Optional<PresentedApiKey> presented = PresentedApiKey.parse(command.presentedKey());
        if (presented.isEmpty()) {
            throttle.refuseIfThrottled(address, now);
            throttle.countFailure(address, now);
            return CompletableFuture.completedFuture(Optional.empty());
        }
        PresentedApiKey key = presented.get();
        String fingerprint = hasher.fingerprint(key.secret());
        Optional<Verified> known = verified.find(key.id(), fingerprint);
        if (known.isPresent() && known.get().trustedAt(now)) {
            return CompletableFuture.completedFuture(Optional.of(used(known.get().caller(), now)));
        }
        if (known.isPresent()) {
            Optional<Optional<Caller>> renewed = renewed(known.get(), fingerprint, now);
            if (renewed.isPresent()) {
                return CompletableFuture.completedFuture(renewed.get());
            }
        }
        Optional<CompletableFuture<Optional<Caller>>> running = verifications.running(key.id(), fingerprint);
        if (running.isPresent()) {
            return running.get();
        }
        // Throttles apply after the cache: failures from a shared address (a NAT, a load balancer) or wrong secrets
        // sent for a key's id must not lock out callers whose keys are already verified.
        String keyCounter = "key:" + key.id().value();
        throttle.refuseIfThrottled(address, now);
        throttle.refuseIfThrottled(keyCounter, now);
        throttle.started(address);
        throttle.started(keyCounter);
        return verifications.start(key.id(), fingerprint, () -> verify(key, fingerprint))
                .whenComplete((caller, failure) -> {
                    boolean failed = failure == null && caller.isEmpty();
                    Instant end = clock.instant();
                    throttle.finished(address, failed, end);
                    throttle.finished(keyCounter, failed, end);
                });
    }

    /**
     * Renews a lapsed entry from the stored key without bcrypt: the secret matched this very hash before.
     *
     * @return the answer, or empty when the stored hash changed and the secret must be verified again
     */
    private Optional<Optional<Caller>> renewed(Verified lapsed, String fingerprint, Instant now) {
        Optional<ApiKey> stored;
        try {
            stored = keys.find(lapsed.stored().id());
        } catch (StoreUnavailableException down) {
            // The store is down: a key this instance verified stays trusted as it was (revocations still arrive
            // through forget), an expired one does not; the next request tries the store again.
            return Optional.of(Optional.of(lapsed.stored()).filter(key -> key.isActiveAt(now))
                    .map(key -> used(lapsed.caller(), now)));
        }
        if (stored.isPresent() && !stored.get().secretHash().equals(lapsed.stored().secretHash())) {
            return Optional.empty();
        }
        if (stored.isEmpty() || !stored.get().isActiveAt(now)) {
            verified.forget(lapsed.stored().id());
            return Optional.of(Optional.empty());
        }
        return Optional.of(Optional.of(used(verified.remember(fingerprint, stored.get(), now), now)));
    }

    /** The slow path, on the verification executor: one stored-key read and one bcrypt. */
    private Optional<Caller> verify(PresentedApiKey key, String fingerprint) {
        // A key this instance never verified cannot be told apart from a wrong one while the store is down: 503.
        Optional<ApiKey> stored = StoreOutages.translated(() -> keys.find(key.id()));
        boolean matches = hasher.matches(key.secret(), stored.map(ApiKey::secretHash).orElse(dummyHash));
        Instant now = clock.instant();
        if (stored.isEmpty() || !matches || !stored.get().isActiveAt(now)) {
            return Optional.empty();
        }
        return Optional.of(used(verified.remember(fingerprint, stored.get(), now), now));
    }

    private Caller used(Caller caller, Instant now) {
        pendingUse.merge(caller.keyId(), now, (a, b) -> a.isAfter(b) ? a : b);
        return caller;
    }

    @Override
    public Optional<Caller> alreadyVerified(Command command) {
        Instant now = clock.instant();
        return PresentedApiKey.parse(command.presentedKey())
                .flatMap(key -> verified.find(key.id(), hasher.fingerprint(key.secret())))
                .filter(entry -> entry.trustedAt(now))
                .map(entry -> used(entry.caller(), now));
    }

    @Override
    public void forget(ApiKeyId id) {
        verified.forget(id);
    }

    /** Writes the collected last-used instants; returns how many are still unwritten. Never on the request path. */
    int flushUsage() {
        if (pendingUse.isEmpty()) {
            return 0;
        }
        Map<ApiKeyId, Instant> batch = new HashMap<>();
        for (ApiKeyId id : List.copyOf(pendingUse.keySet())) {
            Instant at = pendingUse.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        try {
            keys.recordUse(batch);
        } catch (RuntimeException storeDown) {
            // Put them back so the next flush tries again; only the newest instant per key matters.
            batch.forEach((id, at) -> pendingUse.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
            LOG.log(Level.WARNING, "could not record API key usage; will retry", storeDown);
        }
        return pendingUse.size();
    }
}
