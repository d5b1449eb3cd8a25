package io.tokenbroker.domain.connection;

import java.util.Arrays;
import java.util.Optional;

/** How the client authenticates at the token endpoint (RFC 6749 section 2.3.1). */
public enum ClientAuthMethod {
    CLIENT_SECRET_BASIC("client_secret_basic"),
    CLIENT_SECRET_POST("client_secret_post");

    private final String wireName;

    ClientAuthMethod(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ClientAuthMethod> fromWireName(String name) {
        return Arrays.stream(values()).filter(method -> method.wireName.equals(name)).findFirst();
    }
}
