package io.tokenbroker.application.port.out;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A sealed value and the id of the key it was sealed under. The bytes are opaque to everyone but {@link Seals}.
 * {@link #text()} is the form for stores that hold strings: {@code keyId:base64}.
 */
public record Sealed(String keyId, byte[] bytes) {

    public Sealed {
        Objects.requireNonNull(keyId, "keyId");
        bytes = bytes.clone();
    }

    /**
     * Reads the {@link #text()} form.
     *
     * @throws UndecryptableSecretException when the text is not in that form
     */
    public static Sealed parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 1) {
            throw new UndecryptableSecretException("a sealed value is not keyId:base64");
        }
        try {
            return new Sealed(text.substring(0, colon), Base64.getDecoder().decode(text.substring(colon + 1)));
        } catch (IllegalArgumentException notBase64) {
            // No cause attached: it would quote the value.
            throw new UndecryptableSecretException("a sealed value is not keyId:base64");
        }
    }

    public String text() {
        return keyId + ":" + Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Sealed that && keyId.equals(that.keyId) && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * keyId.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Sealed[keyId=" + keyId + ", " + bytes.length + " bytes]";
    }
}
