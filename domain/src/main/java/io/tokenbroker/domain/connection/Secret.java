package io.tokenbroker.domain.connection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential (client secret, refresh token). Its {@code toString()} never shows the value, so a secret that
 * slips into a log line or an exception message stays unreadable there.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "secret");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The plain value, for the one place that must send it upstream or encrypt it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret that && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8),
                that.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
