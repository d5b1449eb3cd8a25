package io.tokenbroker.adapters.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.tokenbroker.adapters.redis.RedisEvents.Event;
import io.tokenbroker.adapters.redis.RedisTokenStore.Stored;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process cache in front of {@link RedisTokenStore}: a hit costs no network round trip, and it is what keeps
 * tokens flowing while Redis is down.
 *
 * <ul>
 *   <li>Bounded by entry count; an entry expires at the token's keep-until instant (the ttl it was put with),
 *       never later, so the near cache keeps a token no longer than Redis does; whether a kept token is served
 *       (outside the hard buffer, or stale after a failed refresh) is the service's policy.</li>
 *   <li>Every store, invalidation and delete on any instance arrives as a {@link RedisEvents} message and evicts
 *       here: a stored token evicts an entry with another fingerprint, an invalidation the entry it names.</li>
 *   <li>A read from Redis is kept only if no event arrived while it was in flight (a generation counter checked
 *       inside the map's atomic compute), so a token invalidated during the read is not cached afterwards.</li>
 *   <li>After the subscription reconnects the whole near cache is dropped: invalidations may have been missed
 *       while it was down.</li>
 *   <li>Fail-open: when Redis fails, {@code find} answers from here (or a miss, which the service fetches under
 *       its in-process single flight), {@code put} keeps the token here, deletes act here. Redis failures are
 *       logged once per outage by {@link RedisOutage}, never per request.</li>
 * </ul>
 */
public final class NearCachedTokenStore implements TokenStore {

    private final RedisTokenStore redis;
    private final Clock clock;
    private final Cache<ConnectionKey, Stored> near;
    private final AtomicLong generation = new AtomicLong();
    /** Off (size 0): every find reads Redis; kept as the same class so fail-open behaves the same. */
    private final boolean enabled;

    NearCachedTokenStore(RedisTokenStore redis, RedisEvents events, Clock clock, long maximumSize) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.enabled = maximumSize > 0;
        this.near = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(new UntilServeUntil(clock))
                .executor(Runnable::run) // cheap upkeep: done by the caller, not a pool thread woken per write
                .build();
        events.addListener(this::onEvent);
        events.addResubscribeListener(this::onResubscribed);
    }

    @Override
    public Optional<AccessToken> find(ConnectionKey key) {
        return lookup(key).map(Found::token);
    }

    /** The near cache alone. */
    @Override
    public Optional<Found> lookupInMemory(ConnectionKey key) {
        Stored hit = enabled ? near.getIfPresent(key) : null;
        if (hit != null && clock.instant().isBefore(hit.keepUntil())) {
            return Optional.of(new Found(hit.token(), Source.NEAR_CACHE));
        }
        return Optional.empty();
    }

    /** The near cache, else Redis read asynchronously (and remembered, as {@link #lookup} does). */
    @Override
    public CompletionStage<Optional<Found>> lookupWithoutBlocking(ConnectionKey key) {
        Optional<Found> nearHit = lookupInMemory(key);
        if (nearHit.isPresent()) {
            return CompletableFuture.completedFuture(nearHit);
        }
        long before = generation.get();
        return redis.findStoredAsync(key).handle((stored, failed) -> {
            if (failed != null || stored.isEmpty()) {
                return Optional.empty();
            }
            remember(key, stored.get(), before);
            return Optional.of(new Found(stored.get().token(), Source.STORE));
        });
    }

    /** A hit here is {@link TokenStore.Source#NEAR_CACHE}; whatever had to be read from Redis is {@code STORE}. */
    @Override
    public Optional<Found> lookup(ConnectionKey key) {
        Optional<Found> nearHit = lookupInMemory(key);
        if (nearHit.isPresent()) {
            return nearHit;
        }
        long before = generation.get();
        Optional<Stored> stored;
        try {
            stored = redis.findStored(key);
        } catch (RedisUnavailableException down) {
            return Optional.empty();
        }
        stored.ifPresent(found -> remember(key, found, before));
        return stored.map(found -> new Found(found.token(), Source.STORE));
    }

    /** Unless the near cache was dropped since the read began: the entry read may be one an eviction missed. */
    private void remember(ConnectionKey key, Stored found, long generationBefore) {
        if (enabled) {
            near.asMap().compute(key, (k, current) -> generation.get() == generationBefore ? found : current);
        }
    }

    @Override
    public boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the ttl must be positive");
        }
        // Near first, Redis second: a newer token stored elsewhere meanwhile then evicts ours by its message.
        if (enabled) {
            near.put(key, new Stored(token, clock.instant().plus(ttl)));
        }
        try {
            if (redis.put(key, token, ttl, fence)) {
                return true;
            }
            evictIf(key, token.fingerprint());
            return false;
        } catch (RedisUnavailableException down) {
            // Served from here until Redis is back; other instances fetch their own meanwhile.
            return true;
        }
    }

    @Override
    public boolean deleteIf(ConnectionKey key, Fingerprint fingerprint) {
        boolean removedHere = evictIf(key, fingerprint);
        try {
            return redis.deleteIf(key, fingerprint) || removedHere;
        } catch (RedisUnavailableException down) {
            return removedHere;
        }
    }

    @Override
    public void delete(ConnectionKey key) {
        generation.incrementAndGet();
        near.invalidate(key);
        try {
            redis.delete(key);
        } catch (RedisUnavailableException down) {
            // Evicted here; Redis keeps the token until its ttl, other instances until they hear of it.
        }
    }

    private boolean evictIf(ConnectionKey key, Fingerprint fingerprint) {
        generation.incrementAndGet();
        boolean[] removed = {false};
        near.asMap().computeIfPresent(key, (k, current) -> {
            if (current.token().fingerprint().equals(fingerprint)) {
                removed[0] = true;
                return null;
            }
            return current;
        });
        return removed[0];
    }

    private void onEvent(Event event) {
        switch (event.type()) {
            case STORED -> {
                generation.incrementAndGet();
                Fingerprint landed = event.fingerprint().orElse(null);
                near.asMap().computeIfPresent(event.key(), (k, current) ->
                        current.token().fingerprint().equals(landed) ? current : null);
            }
            case INVALIDATED -> {
                if (event.fingerprint().isPresent()) {
                    evictIf(event.key(), event.fingerprint().get());
                } else {
                    generation.incrementAndGet();
                    near.invalidate(event.key());
                }
            }
            case RELEASED -> {
                // A lease changes no token.
            }
        }
    }

    /**
     * Invalidations sent while this instance was not subscribed were missed, so nothing held here can be trusted
     * to be current. Tokens still in Redis are read again on the next request; one fetched directly during the
     * outage is fetched once more.
     */
    private void onResubscribed() {
        generation.incrementAndGet();
        near.invalidateAll();
    }

    /** Each entry lives until its token's keep-until instant, by the injected clock. */
    private record UntilServeUntil(Clock clock) implements Expiry<ConnectionKey, Stored> {

        @Override
        public long expireAfterCreate(ConnectionKey key, Stored value, long currentTime) {
            return remaining(value);
        }

        @Override
        public long expireAfterUpdate(ConnectionKey key, Stored value, long currentTime, long currentDuration) {
            return remaining(value);
        }

        @Override
        public long expireAfterRead(ConnectionKey key, Stored value, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private long remaining(Stored value) {
            Instant now = clock.instant();
            if (!now.isBefore(value.keepUntil())) {
                return 0;
            }
            return Duration.between(now, value.keepUntil()).toNanos();
        }
    }
}
