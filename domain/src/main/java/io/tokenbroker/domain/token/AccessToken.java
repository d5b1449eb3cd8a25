package io.tokenbroker.domain.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An upstream access token with the instants that bound its life. {@code toString()} masks the value so a token
 * that reaches a log line is useless to whoever reads it.
 */
public record AccessToken(String value, String tokenType, Instant issuedAt, Instant expiresAt) {

    public AccessToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (value.isBlank()) {
            throw new IllegalArgumentException("an access token must not be blank");
        }
        tokenType = tokenType == null || tokenType.isBlank() ? "Bearer" : tokenType;
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("an access token must expire after it was issued");
        }
    }

    public static AccessToken of(String value, String tokenType, TokenLifetime lifetime) {
        return new AccessToken(value, tokenType, lifetime.issuedAt(), lifetime.expiresAt());
    }

    public Duration lifetime() {
        return Duration.between(issuedAt, expiresAt);
    }

    /**
     * A stable, non-reversible id of the value: lets a caller name the token it holds (to invalidate it) and lets
     * stores compare tokens without keeping or logging the value twice.
     */
    public Fingerprint fingerprint() {
        return Fingerprint.of(value);
    }

    @Override
    public String toString() {
        return "AccessToken[" + tokenType + " " + fingerprint() + ", expiresAt=" + expiresAt + "]";
    }

    /** The first 128 bits of SHA-256 of a token value, in hex. */
    public record Fingerprint(String hex) {

        public Fingerprint {
            if (hex == null || !hex.matches("[0-9a-f]{32}")) {
                throw new IllegalArgumentException("a fingerprint is 32 lowercase hex digits");
            }
        }

        public static Fingerprint of(String tokenValue) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(tokenValue.getBytes(StandardCharsets.UTF_8));
                return new Fingerprint(HexFormat.of().formatHex(digest, 0, 16));
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("every JDK ships SHA-256", impossible);
            }
        }

        @Override
        public String toString() {
            return "fp:" + hex.substring(0, 8);
        }
    }
}
