package io.tokenbroker.domain.apikey;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** What an API key may do. */
public enum Scope {
    /** Get a token, report a rejected one. */
    TOKEN_READ("token:read"),
    /** Force a refresh. */
    TOKEN_REFRESH("token:refresh"),
    /** Register, change and remove connections. */
    CONNECTIONS_WRITE("connections:write"),
    /** Read status and refresh history. */
    LOGS_READ("logs:read"),
    /** Manage API keys. */
    ADMIN("admin"),
    /** Call a connection's API through the authenticated proxy (the broker adds the token). */
    PROXY_USE("proxy:use");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The scopes a key holding {@code held} may use: admin implies every scope, so an endpoint names only the scope
     * it needs. This is the one place that rule lives.
     */
    public static Set<Scope> grantedBy(Collection<Scope> held) {
        return held.contains(ADMIN) ? EnumSet.allOf(Scope.class) : Set.copyOf(held);
    }

    public static Optional<Scope> fromWireName(String name) {
        return Arrays.stream(values()).filter(scope -> scope.wireName.equals(name)).findFirst();
    }
}
