package io.tokenbroker.domain.connect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * An opaque random value handed to a browser or a provider: a connect link's token, an authorization {@code state},
 * the cookie that binds a browser to its attempt, a PKCE verifier. 256 random bits, base64url without padding.
 * Stores keep only its {@link #digest()}, so reading a store yields nothing a browser could present; its
 * {@code toString()} never shows the value.
 */
public final class Handle {

    private static final int BYTES = 32;
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String value;

    private Handle(String value) {
        this.value = value;
    }

    /** A new value from {@code random}, which must be a cryptographically strong source in production. */
    public static Handle random(RandomGenerator random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return new Handle(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** A value as presented by a browser or a provider; empty when it cannot be one of ours. */
    public static Optional<Handle> presented(String value) {
        return Optional.ofNullable(value).filter(candidate -> SHAPE.matcher(candidate).matches()).map(Handle::new);
    }

    /** The plain value, for the one place that hands it out. */
    public String reveal() {
        return value;
    }

    /** SHA-256 of the value, hex: what stores keep and look up by. */
    public String digest() {
        return HexFormat.of().formatHex(sha256(value));
    }

    /** The PKCE {@code S256} challenge of this value used as a code verifier (RFC 7636 section 4.2). */
    public String challenge() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(value));
    }

    /** Whether this value's digest is {@code digest}, compared in constant time. */
    public boolean hasDigest(String digest) {
        Objects.requireNonNull(digest, "digest");
        return MessageDigest.isEqual(digest().getBytes(StandardCharsets.US_ASCII),
                digest.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM provides SHA-256", impossible);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Handle that && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                that.value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "Handle[***]";
    }
}
