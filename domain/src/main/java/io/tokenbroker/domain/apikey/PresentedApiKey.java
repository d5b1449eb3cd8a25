package io.tokenbroker.domain.apikey;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key as a caller presents it: {@code tbk_<id>_<secret>}, the id 16 characters of a-z0-9 and the secret 43
 * base64url characters (256 random bits). The readable prefix lets secret scanners recognise a leaked key.
 */
public final class PresentedApiKey {

    public static final String PREFIX = "tbk_";
    private static final Pattern FORMAT = Pattern.compile("tbk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})");

    private final ApiKeyId id;
    private final String secret;

    private PresentedApiKey(ApiKeyId id, String secret) {
        this.id = id;
        this.secret = secret;
    }

    /** Empty for anything not in the key format; the text is never echoed anywhere. */
    public static Optional<PresentedApiKey> parse(String text) {
        if (text == null || text.length() != 64) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new PresentedApiKey(new ApiKeyId(matcher.group(1)), matcher.group(2)));
    }

    public static PresentedApiKey of(ApiKeyId id, String secret) {
        return parse(PREFIX + id.value() + "_" + secret)
                .orElseThrow(() -> new IllegalArgumentException("a key secret is 43 base64url characters"));
    }

    public ApiKeyId id() {
        return id;
    }

    /** The secret part, for hashing and verifying only. */
    public String secret() {
        return secret;
    }

    /** The whole key, to be shown once to whoever created it. */
    public String reveal() {
        return PREFIX + id.value() + "_" + secret;
    }

    @Override
    public String toString() {
        return "PresentedApiKey[" + id + ", ***]";
    }
}
