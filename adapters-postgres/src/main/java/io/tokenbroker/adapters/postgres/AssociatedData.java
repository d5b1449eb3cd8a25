package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The AES-GCM associated data that binds an encrypted secret to its row and field: a ciphertext copied into
 * another tenant's row, or from the client secret column into the refresh token column, no longer decrypts.
 * Length-prefixed parts, so no choice of ids can make two different bindings produce the same bytes.
 */
public record AssociatedData(ConnectionKey connection, Field field) {

    /** The encrypted columns, each sealed for its own {@link Seals.Purpose}. */
    public enum Field {
        CLIENT_SECRET(Seals.Purpose.CLIENT_SECRET), REFRESH_TOKEN(Seals.Purpose.REFRESH_TOKEN);

        private final Seals.Purpose purpose;

        Field(Seals.Purpose purpose) {
            this.purpose = purpose;
        }
    }

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

    /** Seals {@code secret} for this row and field. */
    public Sealed seal(Seals seals, Secret secret) {
        return seals.seal(field.purpose, bytes(), secret.reveal());
    }

    /**
     * Opens a value sealed for this row and field.
     *
     * @throws UndecryptableSecretException naming the row and field, never the value
     */
    public Secret open(Seals seals, Sealed sealed) {
        try {
            return Secret.of(seals.open(field.purpose, bytes(), sealed));
        } catch (UndecryptableSecretException undecryptable) {
            throw new UndecryptableSecretException("the " + field + " of " + connection + ": "
                    + undecryptable.getMessage());
        }
    }
}
