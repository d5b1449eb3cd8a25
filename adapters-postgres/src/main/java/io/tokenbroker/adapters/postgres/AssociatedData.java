package io.tokenbroker.adapters.postgres;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The AES-GCM associated data that binds an encrypted secret to its row and field: a ciphertext copied into
 * another tenant's row, or from the client secret column into the refresh token column, no longer decrypts.
 * Length-prefixed parts, so no choice of ids can make two different bindings produce the same bytes.
 */
public record AssociatedData(ConnectionKey connection, Field field) {

    /** The encrypted columns. */
    public enum Field { CLIENT_SECRET, REFRESH_TOKEN }

    private static final String VERSION = "tb-aad-v1";

    public AssociatedData {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(field, "field");
    }

    public byte[] bytes() {
        StringBuilder joined = new StringBuilder();
        for (String part : new String[] {VERSION, connection.tenant().value(), connection.connection().value(),
                field.name()}) {
            joined.append(part.length()).append(':').append(part);
        }
        return joined.toString().getBytes(StandardCharsets.UTF_8);
    }
}
