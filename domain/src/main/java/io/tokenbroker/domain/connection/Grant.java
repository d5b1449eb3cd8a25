package io.tokenbroker.domain.connection;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a connection obtains its first token: by the client's own credentials, or by a user's consent whose refresh
 * token the broker then keeps alive (the connect flow).
 */
public enum Grant {
    /** RFC 6749 section 4.4: no user involved; the broker can always ask for a token. */
    CLIENT_CREDENTIALS("client_credentials"),
    /** RFC 6749 section 4.1 with PKCE: a user consents once; until then the connection is not connected. */
    AUTHORIZATION_CODE("authorization_code");

    private final String wireName;

    Grant(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Grant> fromWireName(String name) {
        return Arrays.stream(values()).filter(grant -> grant.wireName.equals(name)).findFirst();
    }
}
