package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * After a provider's API answered 401 to a token the broker handed out: drops exactly that token and gives a fresh
 * one, so the call can be retried once. An API that refuses every token (a permission problem, not an expired token)
 * must not drive a refresh per request: per connection, a token is forced out at most once per minimum refresh
 * interval; callers reporting the token already forced out share the one refresh.
 */
public interface ReplaceRejectedToken {

    /**
     * @return the token to retry with; empty when no retry should be made (the interval since the last forced refresh
     *         of this connection has not passed, or the refresh gave back the rejected token)
     * @throws BrokerException as {@link GetAccessToken#get} does
     */
    Optional<AccessToken> replace(Command command);

    /**
     * @param rejected    the token the API refused
     * @param minValidFor as for {@link GetAccessToken.Query}
     */
    record Command(ConnectionKey key, AccessToken rejected, Duration minValidFor) {
        public Command {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(rejected, "rejected");
            Objects.requireNonNull(minValidFor, "minValidFor");
        }
    }
}
