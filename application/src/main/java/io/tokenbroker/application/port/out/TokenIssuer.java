package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.token.TokenGrant;

/**
 * Asks a connection's upstream for a new access token: the only thing that talks to token endpoints. Uses the
 * refresh token grant when the connection holds a refresh token, client credentials otherwise. One call, no
 * retries of its own unless documented by the implementation; bounded by its own timeouts.
 */
public interface TokenIssuer {

    /**
     * @throws UpstreamException.Rejected    when the upstream refused or answered something unusable
     * @throws UpstreamException.Unavailable when it failed in a way a later attempt may not
     */
    TokenGrant issue(Connection connection);
}
