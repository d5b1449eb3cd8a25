package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.TokenGrant;

/**
 * Redeems an authorization code at the connection's token endpoint (RFC 6749 section 4.1.3 with the RFC 7636 code
 * verifier), authenticating as the connection's client. One call, no retries: a code is single-use.
 */
public interface AuthorizationCodes {

    /**
     * @param redirectUri exactly what the authorize request sent
     * @throws UpstreamException.Rejected    when the provider refused the code or answered something unusable
     * @throws UpstreamException.Unavailable when the exchange failed in a way a later attempt might not
     */
    TokenGrant redeem(Connection connection, Secret code, Secret verifier, String redirectUri);
}
