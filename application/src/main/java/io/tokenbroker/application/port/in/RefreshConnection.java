package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.util.Objects;

/**
 * Renews a connection's token now, whether or not the cached one is still good: an operator's lever after a
 * revocation at the provider, or the scheduler's refresh-ahead. It goes through the same lease, circuit and retry
 * rules as a request, so it never races a refresh another caller or instance is running; concurrent manual refreshes
 * of one connection in this process share one upstream call.
 */
public interface RefreshConnection {

    /**
     * @return the new token, already cached
     * @throws ConnectionNotFoundException       for an unknown connection
     * @throws ReauthorisationNeededException    when the provider refused the refresh token earlier
     * @throws UpstreamFailedException           when the upstream failed, after the broker's retries
     * @throws TokenUnavailableException         when the lease could not be had in time or the circuit is open
     * @throws BrokerUnavailableException        when the broker's storage could not be reached
     */
    AccessToken refresh(Command command);

    /** Which connection, and who asks (the audit row's trigger). */
    record Command(ConnectionKey key, Reason reason) {
        public Command {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
        }

        public static Command manual(ConnectionKey key) {
            return new Command(key, Reason.MANUAL);
        }
    }

    /**
     * Why the refresh is asked for; each becomes a different trigger in the refresh log. MANUAL always calls the
     * upstream; PROACTIVE does not when the cached token is not due for refresh-ahead yet (another instance just
     * renewed it).
     */
    enum Reason { MANUAL, PROACTIVE }
}
