package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.in.ReplaceRejectedToken;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Forces a token out by fingerprint ({@link InvalidateToken}) and fetches the next one ({@link GetAccessToken}, whose
 * single flight makes a burst of reports one refresh). The last forced-out token of each connection is remembered
 * with its instant: a report about that same token joins it; a report about another token within the minimum
 * interval is declined, which is what bounds an always-401 API to one refresh per interval. The memory is this
 * process's: with several instances, each may force one refresh per interval.
 */
public final class ReplaceRejectedTokenService implements ReplaceRejectedToken {

    private record Forced(Fingerprint token, Instant at) {
    }

    private final InvalidateToken invalidateToken;
    private final GetAccessToken getAccessToken;
    private final Clock clock;
    private final Duration minInterval;
    private final ConcurrentMap<ConnectionKey, Forced> lastForced = new ConcurrentHashMap<>();

    public ReplaceRejectedTokenService(InvalidateToken invalidateToken, GetAccessToken getAccessToken, Clock clock,
                                       Duration minInterval) {
        this.invalidateToken = Objects.requireNonNull(invalidateToken, "invalidateToken");
        this.getAccessToken = Objects.requireNonNull(getAccessToken, "getAccessToken");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
    }

    @Override
    public Optional<AccessToken> replace(Command command) {
        Fingerprint rejected = command.rejected().fingerprint();
        Instant now = clock.instant();
        Forced decided = lastForced.compute(command.key(),
                (key, last) -> mayForce(last, rejected, now) ? new Forced(rejected, now) : last);
        if (!decided.token().equals(rejected)) {
            return Optional.empty();
        }
        invalidateToken.invalidate(new InvalidateToken.Command(command.key(),
                Optional.of(command.rejected().value())));
        AccessToken fresh = getAccessToken.get(new GetAccessToken.Query(command.key(), command.minValidFor()));
        return fresh.fingerprint().equals(rejected) ? Optional.empty() : Optional.of(fresh);
    }

    /** A token already forced out is joined, not forced again (its instant stays, so the interval is not reset). */
    private boolean mayForce(Forced last, Fingerprint rejected, Instant now) {
        if (last == null) {
            return true;
        }
        return !last.token().equals(rejected) && Duration.between(last.at(), now).compareTo(minInterval) >= 0;
    }
}
