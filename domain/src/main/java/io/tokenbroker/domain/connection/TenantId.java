package io.tokenbroker.domain.connection;

/** A tenant of the broker: whoever owns connections to upstream providers. */
public record TenantId(String value) {

    public TenantId {
        Identifier.check("tenant", value);
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
