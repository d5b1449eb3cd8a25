package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.util.Objects;

/**
 * Gives a valid access token for a connection: the cached one while it is outside the refresh buffer, otherwise
 * a new one, with one upstream call however many callers ask at once.
 */
public interface GetAccessToken {

    /**
     * @throws ConnectionNotFoundException   for an unknown connection
     * @throws io.tokenbroker.application.port.out.UpstreamException when the upstream failed
     * @throws TokenUnavailableException     when the refresh lease could not be had in time
     */
    AccessToken get(Query query);

    /** Which connection's token is wanted. */
    record Query(ConnectionKey key) {
        public Query {
            Objects.requireNonNull(key, "key");
        }
    }
}
