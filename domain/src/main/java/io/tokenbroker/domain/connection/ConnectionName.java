package io.tokenbroker.domain.connection;

/** The name a tenant gave one of its connections, e.g. {@code quickbooks-eu}. */
public record ConnectionName(String value) {

    public ConnectionName {
        Identifier.check("connection", value);
    }

    public static ConnectionName of(String value) {
        return new ConnectionName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
