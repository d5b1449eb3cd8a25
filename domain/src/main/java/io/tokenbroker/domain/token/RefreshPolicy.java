package io.tokenbroker.domain.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a cached token may be served and when it should be renewed.
 *
 * <p>The hard buffer is never served into: a caller needs time to use the token, and the provider's clock may run
 * ahead of ours. For tokens shorter than twice the buffer, the buffer shrinks to half the lifetime; otherwise such
 * a token could never be served at all and every request would go upstream.
 *
 * @param hardBuffer       no token is served once it is this close to its expiry (default 60 s)
 * @param refreshAheadRatio the share of its servable window after which a token is renewed in the background (default
 *                          0.8); 1.0 renews only when it stops being servable
 */
public record RefreshPolicy(Duration hardBuffer, double refreshAheadRatio) {

    public static final Duration DEFAULT_HARD_BUFFER = Duration.ofSeconds(60);
    public static final double DEFAULT_REFRESH_AHEAD_RATIO = 0.8;

    public RefreshPolicy {
        Objects.requireNonNull(hardBuffer, "hardBuffer");
        if (hardBuffer.isNegative()) {
            throw new IllegalArgumentException("the hard buffer must not be negative");
        }
        if (!(refreshAheadRatio > 0.0 && refreshAheadRatio <= 1.0)) {
            throw new IllegalArgumentException("the refresh-ahead ratio must be in (0, 1]");
        }
    }

    public static RefreshPolicy defaults() {
        return new RefreshPolicy(DEFAULT_HARD_BUFFER, DEFAULT_REFRESH_AHEAD_RATIO);
    }

    /** The buffer applied to this token: the hard buffer, or half its lifetime if that is shorter. */
    public Duration bufferFor(AccessToken token) {
        return bufferFor(token.lifetime());
    }

    private Duration bufferFor(Duration lifetime) {
        Duration half = lifetime.dividedBy(2);
        return hardBuffer.compareTo(half) <= 0 ? hardBuffer : half;
    }

    /** The first instant at which the token must no longer be served. */
    public Instant serveUntil(AccessToken token) {
        return serveUntil(token.issuedAt(), token.expiresAt());
    }

    /**
     * {@link #serveUntil(AccessToken)} for a token known only by its instants, as a schedule keeps it: the value
     * is not needed to know when it stops being served.
     */
    public Instant serveUntil(Instant issuedAt, Instant expiresAt) {
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("a token must expire after it was issued");
        }
        return expiresAt.minus(bufferFor(Duration.between(issuedAt, expiresAt)));
    }

    /** True while {@code now} lies strictly before {@link #serveUntil}: at exactly the buffer it is not served. */
    public boolean isServable(AccessToken token, Instant now) {
        return now.isBefore(serveUntil(token));
    }

    /**
     * {@link #isServable(AccessToken, Instant)} for a caller that needs the token for at least {@code minValidFor}:
     * {@code expires_at − now ≥ max(buffer, minValidFor)}, the buffer still being the strict bound it is above.
     */
    public boolean isServable(AccessToken token, Instant now, Duration minValidFor) {
        requireMinValidFor(minValidFor);
        return isServable(token, now) && !token.expiresAt().minus(minValidFor).isBefore(now);
    }

    /**
     * Whether a token issued with {@code lifetime} could meet {@code minValidFor} even at the instant it is issued;
     * when not, refreshing cannot help the caller.
     */
    public boolean canMeet(Duration lifetime, Duration minValidFor) {
        requireMinValidFor(minValidFor);
        return lifetime.compareTo(minValidFor) >= 0;
    }

    private static void requireMinValidFor(Duration minValidFor) {
        if (Objects.requireNonNull(minValidFor, "minValidFor").isNegative()) {
            throw new IllegalArgumentException("the minimum validity must not be negative");
        }
    }

    /**
     * When a background refresh should renew the token: after {@code refreshAheadRatio} of its servable window
     * (issue to {@link #serveUntil}), not of its lifetime. Taken over the lifetime, the point of every token up to
     * five minutes long (default buffer) would fall inside the buffer and be clamped to the last servable instant,
     * leaving no time to renew before callers miss; over the window, a 30 s token is renewed at 12 s and served until
     * 15 s. For an hour-long token the two differ by under a minute (47.2 min instead of 48).
     */
    public Instant refreshAheadAt(AccessToken token) {
        Instant until = serveUntil(token);
        long windowMillis = Duration.between(token.issuedAt(), until).toMillis();
        return token.issuedAt().plusMillis((long) Math.floor(windowMillis * refreshAheadRatio));
    }

    public boolean isDueForRefresh(AccessToken token, Instant now) {
        return !now.isBefore(refreshAheadAt(token));
    }

    /**
     * Whether the token was renewed lately: it is less than half way from its issue to {@link #refreshAheadAt}. A
     * background refresh that finds such a token leaves it (another holder renewed it a moment ago); one that finds
     * the token it was scheduled for renews it even when it starts a little before that token's point (claimed
     * ahead, or on a clock behind the one that scheduled it), which "not yet due" would mistake for a renewal.
     */
    public boolean isFreshlyRenewed(AccessToken token, Instant now) {
        Duration toPoint = Duration.between(token.issuedAt(), refreshAheadAt(token));
        return now.isBefore(token.issuedAt().plus(toPoint.dividedBy(2)));
    }

    /**
     * How close to its real expiry a store still keeps a token: our clock and the provider's may disagree by this
     * much, so a token is dropped this long before it expires, and is never served after (not even stale).
     */
    public static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    /**
     * Until when a store keeps the token: its expiry less {@link #CLOCK_MARGIN}, and never before it stops being
     * servable, so a store can serve normally whatever the margin. Past {@link #serveUntil} it is kept only for a
     * request whose refresh failed (stale-if-error).
     */
    public Instant keepUntil(AccessToken token) {
        Instant marginal = token.expiresAt().minus(CLOCK_MARGIN);
        Instant serveUntil = serveUntil(token);
        return marginal.isAfter(serveUntil) ? marginal : serveUntil;
    }

    /** How long a store keeps the token from {@code now} ({@link #keepUntil}); zero once it must not be kept. */
    public Duration storeTtl(AccessToken token, Instant now) {
        Duration ttl = Duration.between(now, keepUntil(token));
        return ttl.isNegative() ? Duration.ZERO : ttl;
    }

    /** How long a cache may keep the token from {@code now}; zero once it must not be served. */
    public Duration cacheTtl(AccessToken token, Instant now) {
        Duration ttl = Duration.between(now, serveUntil(token));
        return ttl.isNegative() ? Duration.ZERO : ttl;
    }
}
