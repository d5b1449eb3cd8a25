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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * API keys: issuing and managing them, and authenticating callers with them (the latter in
 * {@link KeyAuthentication}, which this class fronts so both in-ports are one bean sharing one verified-key cache).
 */
public final class ApiKeyService implements ManageApiKeys, AuthenticateCaller {

    private static final System.Logger LOG = System.getLogger(ApiKeyService.class.getName());
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final ApiKeys keys;
    private final SecretHasher hasher;
    private final Clock clock;
    private final SecureRandom random;
    private final KeyRevocations revocations;
    private final KeyAuthentication authentication;

    /** Verifies on the calling thread, for a single instance. */
    public ApiKeyService(ApiKeys keys, SecretHasher hasher, Clock clock, SecureRandom random, ApiKeySettings settings) {
        this(keys, hasher, clock, random, settings, KeyRevocations.NONE);
    }

    /** Verifies on the calling thread. */
    public ApiKeyService(ApiKeys keys, SecretHasher hasher, Clock clock, SecureRandom random, ApiKeySettings settings,
                         KeyRevocations revocations) {
        this(keys, hasher, clock, random, settings, revocations, Runnable::run);
    }

    /**
     * @param verificationExecutor runs bcrypt verifications; bounded (it refuses work when full, which callers see
     *                             as {@link AuthenticateCaller.Overloaded}) and sized to the cores
     */
    public ApiKeyService(ApiKeys keys, SecretHasher hasher, Clock clock, SecureRandom random, ApiKeySettings settings,
                         KeyRevocations revocations, Executor verificationExecutor) {
        this.revocations = revocations;
        this.keys = keys;
        this.hasher = hasher;
        this.clock = clock;
        this.random = random;
        this.authentication = new KeyAuthentication(keys, hasher, clock, settings, hasher.hash(newSecret()),
                verificationExecutor);
    }

    @Override
    public CompletionStage<Optional<Caller>> authenticateAsync(AuthenticateCaller.Command command) {
        return authentication.authenticateAsync(command);
    }

    @Override
    public Optional<Caller> alreadyVerified(AuthenticateCaller.Command command) {
        return authentication.alreadyVerified(command);
    }

    @Override
    public void forget(ApiKeyId id) {
        authentication.forget(id);
    }

    /**
     * Writes the collected last-used instants; called on a schedule and when the instance stops, never on the
     * request path.
     *
     * @return how many keys' last-used instants are still unwritten (the store failed; the next flush retries)
     */
    public int flushUsage() {
        return authentication.flushUsage();
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
