package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.SecretHasher;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.PresentedApiKey;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * API keys: issuing and managing them, and authenticating callers with them.
 *
 * <p>Authentication costs one bcrypt verification per key and process: a verified key is remembered for a short
 * time under a keyed fingerprint of the presented secret, so the hot path is a hash-map lookup. Unknown ids are
 * verified against a dummy hash, so they take as long as wrong secrets. Failures are counted per client address and
 * per key id, and past the limit refused before any hashing: a flood of wrong keys must not become a CPU flood.
 * Keys already verified are served from the cache before any throttle, so an attacker cannot lock them out.
 * {@code last_used_at} is collected in memory and written by {@link #flushUsage()} off the request path.
 */
public final class ApiKeyService implements ManageApiKeys, AuthenticateCaller {

    private static final System.Logger LOG = System.getLogger(ApiKeyService.class.getName());
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private record Verified(ApiKeyId id, Caller caller, Optional<Instant> expiresAt, Instant until) {
    }

    private record Window(Instant start, int failures) {
    }

    private final ApiKeys keys;
    private final SecretHasher hasher;
    private final Clock clock;
    private final SecureRandom random;
    private final ApiKeySettings settings;
    private final KeyRevocations revocations;
    private final String dummyHash;
    private final ConcurrentMap<String, Verified> verified = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Window> failures = new ConcurrentHashMap<>();
    private final ConcurrentMap<ApiKeyId, Instant> pendingUse = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeys keys, SecretHasher hasher, Clock clock, SecureRandom random, ApiKeySettings settings) {
        this(keys, hasher, clock, random, settings, KeyRevocations.NONE);
    }

    public ApiKeyService(ApiKeys keys, SecretHasher hasher, Clock clock, SecureRandom random, ApiKeySettings settings,
                         KeyRevocations revocations) {
        this.revocations = revocations;
        this.keys = keys;
        this.hasher = hasher;
        this.clock = clock;
        this.random = random;
        this.settings = settings;
        this.dummyHash = hasher.hash(newSecret());
    }

    @Override
    public Optional<Caller> authenticate(AuthenticateCaller.Command command) {
        Instant now = clock.instant();
        String address = "addr:" + command.clientAddress();
        Optional<PresentedApiKey> presented = PresentedApiKey.parse(command.presentedKey());
        if (presented.isEmpty()) {
            refuseIfThrottled(address, now);
            countFailure(address, now);
            return Optional.empty();
        }
        PresentedApiKey key = presented.get();
        String fingerprint = hasher.fingerprint(key.secret());
        Optional<Caller> cached = cached(key, fingerprint, now);
        if (cached.isPresent()) {
            return cached;
        }
        // Throttles apply after the cache: failures from a shared address (a NAT, a load balancer) or wrong secrets
        // sent for a key's id must not lock out callers whose keys are already verified.
        refuseIfThrottled(address, now);
        String keyCounter = "key:" + key.id().value();
        refuseIfThrottled(keyCounter, now);
        Optional<ApiKey> stored = keys.find(key.id());
        boolean matches = hasher.matches(key.secret(), stored.map(ApiKey::secretHash).orElse(dummyHash));
        if (stored.isEmpty() || !matches || !stored.get().isActiveAt(now)) {
            countFailure(address, now);
            countFailure(keyCounter, now);
            return Optional.empty();
        }
        ApiKey found = stored.get();
        Caller caller = new Caller(found.id(), found.scopes(), found.tenants());
        if (verified.size() >= settings.verifiedCacheSize()) {
            // Crude but bounded: a full cache starts over; each key then costs one more bcrypt.
            verified.clear();
        }
        verified.put(fingerprint, new Verified(found.id(), caller, found.expiresAt(),
                now.plus(settings.verifiedCacheTtl())));
        pendingUse.merge(found.id(), now, (a, b) -> a.isAfter(b) ? a : b);
        return Optional.of(caller);
    }

    @Override
    public void forget(ApiKeyId id) {
        verified.values().removeIf(entry -> entry.id().equals(id));
    }

    @Override
    public Optional<Caller> alreadyVerified(AuthenticateCaller.Command command) {
        return PresentedApiKey.parse(command.presentedKey())
                .flatMap(key -> cached(key, hasher.fingerprint(key.secret()), clock.instant()));
    }

    private Optional<Caller> cached(PresentedApiKey key, String fingerprint, Instant now) {
        Verified cached = verified.get(fingerprint);
        if (cached != null && cached.id().equals(key.id()) && now.isBefore(cached.until())
                && cached.expiresAt().map(now::isBefore).orElse(true)) {
            pendingUse.merge(key.id(), now, (a, b) -> a.isAfter(b) ? a : b);
            return Optional.of(cached.caller());
        }
        return Optional.empty();
    }

    private void refuseIfThrottled(String counter, Instant now) {
        Window window = failures.get(counter);
        if (window == null) {
            return;
        }
        Instant end = window.start().plus(settings.failureWindow());
        if (!now.isBefore(end)) {
            failures.remove(counter, window);
            return;
        }
        if (window.failures() >= settings.maxFailures()) {
            throw new Throttled(Duration.between(now, end));
        }
    }

    private void countFailure(String counter, Instant now) {
        failures.compute(counter, (k, window) -> window == null
                || !now.isBefore(window.start().plus(settings.failureWindow()))
                ? new Window(now, 1) : new Window(window.start(), window.failures() + 1));
    }

    /** Writes the collected last-used instants; called on a schedule, never on the request path. */
    public void flushUsage() {
        if (pendingUse.isEmpty()) {
            return;
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
    }

    @Override
    public Issued issue(Issue command) {
        return StoreOutages.translated(() -> {
            String secret = newSecret();
            ApiKeyId id = new ApiKeyId(newId());
            Instant now = clock.instant();
            if (command.expiresAt().filter(at -> !at.isAfter(now)).isPresent()) {
                throw new IllegalArgumentException("expires_at must be in the future");
            }
            ApiKey key = new ApiKey(id, command.name(), command.scopes(), command.tenants(), now, command.expiresAt(),
                    Optional.empty(), Optional.empty(), hasher.hash(secret));
            keys.save(key);
            LOG.log(Level.INFO, "issued API key {0} ({1}) with scopes {2}", id, command.name(), command.scopes());
            return new Issued(key, PresentedApiKey.of(id, secret).reveal());
        });
    }

    @Override
    public List<ApiKey> list() {
        return StoreOutages.translated(keys::list);
    }

    @Override
    public void revoke(ApiKeyId id) {
        StoreOutages.translated(() -> {
            ApiKey key = keys.find(id).orElseThrow(() -> new ApiKeyNotFoundException(id));
            if (key.revokedAt().isEmpty()) {
                keys.save(key.revoked(clock.instant()));
            }
            forget(id);
            revocations.announce(id);
            LOG.log(Level.INFO, "revoked API key {0}", id);
        });
    }

    @Override
    public Issued rotate(ApiKeyId id, Duration grace) {
        return StoreOutages.translated(() -> {
            ApiKey old = keys.find(id).filter(key -> key.revokedAt().isEmpty())
                    .orElseThrow(() -> new ApiKeyNotFoundException(id));
            Issued successor = issue(new Issue(old.name(), old.scopes(), old.tenants(), old.expiresAt()));
            Instant graceEnd = clock.instant().plus(grace);
            keys.save(old.expiringAt(graceEnd));
            forget(id);
            revocations.announce(id);
            LOG.log(Level.INFO, "rotated API key {0} to {1}; the old key works until {2}", id, successor.key().id(),
                    graceEnd);
            return successor;
        });
    }

    /**
     * Makes sure an admin can get in on first start: a configured key (in the documented format) is stored if it is
     * not yet; without one, a new admin key is issued if no active admin key exists.
     *
     * @return the generated key, to be shown once; empty when one was configured or already exists
     * @throws IllegalArgumentException when the configured key is not in the documented format
     */
    public Optional<Issued> ensureAdminKey(Optional<String> configured) {
        Instant now = clock.instant();
        if (configured.isPresent()) {
            PresentedApiKey key = PresentedApiKey.parse(configured.get()).orElseThrow(() ->
                    new IllegalArgumentException("the bootstrap admin key is not in the tbk_<16 a-z0-9>_<43 base64url> format"));
            if (keys.find(key.id()).isEmpty()) {
                keys.save(new ApiKey(key.id(), "bootstrap admin", Set.of(Scope.ADMIN), TenantScope.allTenants(), now,
                        Optional.empty(), Optional.empty(), Optional.empty(), hasher.hash(key.secret())));
            }
            return Optional.empty();
        }
        boolean adminExists = keys.list().stream()
                .anyMatch(key -> key.scopes().contains(Scope.ADMIN) && key.isActiveAt(now));
        if (adminExists) {
            return Optional.empty();
        }
        return Optional.of(issue(new Issue("bootstrap admin", Set.of(Scope.ADMIN), TenantScope.allTenants(),
                Optional.empty())));
    }

    private String newId() {
        char[] id = new char[16];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
