package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What a refresh that ended without a token means for the connection's grant: a refresh token another holder rotated
 * meanwhile (stale, not revoked), a grant the provider refused for good (marked for re-authorisation), or an upstream
 * failure to pass on to the caller.
 */
final class RefusedGrants {

    private final Connections connections;
    private final Reauthorisations reauthorisations;
    private final ConnectionEvents events;
    private final Clock clock;

    RefusedGrants(Connections connections, Reauthorisations reauthorisations, ConnectionEvents events, Clock clock) {
        this.connections = connections;
        this.reauthorisations = reauthorisations;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The connection as stored now, when the provider refused our refresh token and the store holds another one:
     * another holder rotated it after we read it, which happens when instances could only take in-process leases
     * (Redis unreachable or stalled). The refused token is then stale, not revoked: the connection must not be marked
     * for re-authorisation. One more try with the stored token follows when our fence can still store its rotation;
     * otherwise the caller is told to retry, and the next lease's fence can.
     */
    Optional<Connection> rotatedMeanwhile(Connection presented, UpstreamException failure) {
        if (presented.refreshToken().isEmpty() || failure.errorCode().filter("invalid_grant"::equals).isEmpty()) {
            return Optional.empty();
        }
        return connections.find(presented.key())
                .filter(stored -> stored.refreshToken().isPresent())
                .filter(stored -> !stored.refreshToken().equals(presented.refreshToken()));
    }

    /** What the caller is told once a refresh ended without a token; marks a connection whose grant is gone. */
    BrokerException forCaller(Connection connection, UpstreamException failure, boolean rotatedMeanwhile) {
        if (rotatedMeanwhile) {
            // Our fence could not store what a retry would rotate (the other holder's is higher), and a second
            // refusal means the other holder is still rotating: the grant is alive either way.
            return new TokenUnavailableException("the refresh token of " + connection.key() + " was rotated by "
                    + "another holder meanwhile", Optional.of(Duration.ofSeconds(1)));
        }
        if (!failure.retryable()) {
            markIfGrantIsGone(connection, failure);
        }
        return UpstreamCalls.forCaller(failure);
    }

    /**
     * A refused refresh token cannot heal by itself: asking again only burns the provider's rate limit (and some
     * providers revoke the whole token family on reuse). Client-credentials connections are left alone, since
     * for them {@code invalid_grant} usually means a misconfiguration that is fixed by saving the connection.
     */
    private void markIfGrantIsGone(Connection connection, UpstreamException failure) {
        if (connection.refreshToken().isPresent() && failure.errorCode().filter("invalid_grant"::equals).isPresent()) {
            reauthorisations.mark(new Reauthorisations.Needed(connection.key(), clock.instant(), "invalid_grant"));
            EventPublishing.publish(events, clock, connection.key(), ConnectionEvent.Type.NEEDS_REAUTHORIZATION,
                    "the provider refused the refresh token (invalid_grant)", Optional.empty());
        }
    }
}
