package io.tokenbroker.domain.connection;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which protocol dialect a connection's upstream speaks; picks the token issuer. */
public enum ProviderType {
    /** RFC 6749 client credentials and refresh token grants. */
    OAUTH2("oauth2");

    private final String wireName;

    ProviderType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the API and in configuration. */
    public String wireName() {
        return wireName;
    }

    public static Optional<ProviderType> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(type -> type.wireName.equals(wanted)).findFirst();
    }
}
