package io.tokenbroker.domain.apikey;

import java.util.Optional;

/**
 * A key as a caller presents it: {@code tbk_<id>_<secret>}, the id 16 characters of a-z0-9 and the secret 43
 * base64url characters (256 random bits). The readable prefix lets secret scanners recognise a leaked key.
 */
public final class PresentedApiKey {

    public static final String PREFIX = "tbk_";
    private static final int SECRET_LENGTH = 43;
    private static final int ID_START = PREFIX.length();
    private static final int SECRET_START = ID_START + ApiKeyId.LENGTH + 1;
    private static final int LENGTH = SECRET_START + SECRET_LENGTH;

    private final ApiKeyId id;
    private final String secret;

    private PresentedApiKey(ApiKeyId id, String secret) {
        this.id = id;
        this.secret = secret;
    }

    /**
     * Empty for anything not in the key format ({@code tbk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}}); the text is never
     * echoed anywhere. Checked by hand rather than by a regular expression: every authenticated request parses its key.
     */
    public static Optional<PresentedApiKey> parse(String text) {
        if (text == null || text.length() != LENGTH || !text.startsWith(PREFIX) || text.charAt(SECRET_START - 1) != '_'
                || !KeyCharacters.allIdCharacters(text, ID_START, SECRET_START - 1)
                || !KeyCharacters.allSecretCharacters(text, SECRET_START, LENGTH)) {
            return Optional.empty();
        }
        return Optional.of(new PresentedApiKey(new ApiKeyId(text.substring(ID_START, SECRET_START - 1)),
                text.substring(SECRET_START)));
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
