package io.tokenbroker.domain.connection;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When a refresh token's provider-stated expiry deserves a {@code refresh_token_expiring} warning: it is at most
 * {@code window} away and the keep-alive refresh could not move it (the refresh failed, or it succeeded and the
 * expiry stayed where it was: the provider's hard cap). A rolling refresh token the keep-alive renews as planned
 * never qualifies.
 *
 * @param window how long before the expiry the warning is due; zero turns warnings (and the probe) off
 */
public record ReconnectWarning(Duration window) {

    /** {@code tokenbroker.connect.reconnect-warning}'s default: two weeks for a user to reconnect. */
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(14);
    /** No warnings: the keep-alive runs as it did before the warning existed. */
    public static final ReconnectWarning NONE = new ReconnectWarning(Duration.ZERO);
    /**
     * How far a refreshed expiry may land after the previous one and still count as not moved: providers state a
     * lifetime in whole seconds from their own clock, so a capped expiry wobbles by a second or two per refresh.
     */
    static final Duration STANDSTILL = Duration.ofMinutes(1);

    /** Why the keep-alive could not extend the refresh token. */
    public enum Reason {
        /** The keep-alive refresh failed (after its retries). */
        REFRESH_FAILED,
        /** The keep-alive refresh succeeded but the expiry did not move: only a new consent extends it. */
        HARD_CAP;

        /** As events and docs spell it: {@code refresh_failed}, {@code hard_cap}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ReconnectWarning {
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("the reconnect warning window must not be negative");
        }
    }

    /**
     * When an idle connection should be refreshed to learn whether refreshing still extends its refresh token: the
     * window before {@code expiry}. Empty when warnings are off, or when the token's life since the last refresh is
     * no longer than the window: it is then inside the window from the start, a probe would refresh it again at
     * every look, and the ordinary keep-alive point tells as much.
     */
    public Optional<Instant> probeAt(Instant expiry, Instant lastRefresh) {
        if (window.isZero() || !expiry.isAfter(lastRefresh.plus(window))) {
            return Optional.empty();
        }
        return Optional.of(expiry.minus(window));
    }

    /** After a failed keep-alive of a refresh token expiring at {@code expiry}. */
    public Optional<Reason> afterFailure(Instant expiry, Instant now) {
        return within(expiry, now) ? Optional.of(Reason.REFRESH_FAILED) : Optional.empty();
    }

    /** After a keep-alive that succeeded and left the expiry at {@code after} (it was {@code before}). */
    public Optional<Reason> afterRefresh(Instant before, Instant after, Instant now) {
        boolean moved = after.isAfter(before.plus(STANDSTILL));
        return !moved && within(after, now) ? Optional.of(Reason.HARD_CAP) : Optional.empty();
    }

    /**
     * Whether the warning already given about {@code warned} still covers a refresh token expiring at {@code expiry}:
     * yes unless a new grant (a reconnect, or a keep-alive that worked again) has moved the expiry past the window
     * since. So the warning goes out once per grant, however the provider's whole-second rounding wobbles.
     */
    public boolean covers(Optional<Instant> warned, Instant expiry) {
        return warned.filter(previous -> !expiry.isAfter(previous.plus(window))).isPresent();
    }

    private boolean within(Instant expiry, Instant now) {
        return !window.isZero() && !expiry.isAfter(now.plus(window));
    }
}
