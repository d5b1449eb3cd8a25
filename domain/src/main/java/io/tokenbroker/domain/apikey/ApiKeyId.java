package io.tokenbroker.domain.apikey;

/** The public part of an API key: safe to log, used to find the stored hash without scanning. */
public record ApiKeyId(String value) {

    static final int LENGTH = 16;

    public ApiKeyId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("an API key id is 16 characters of a-z and 0-9");
        }
    }

    /**
     * {@code [a-z0-9]{16}}, checked by hand: every authenticated request checks an id (twice, with the rate limit),
     * and a regular expression was most of the cost of recognising a verified key.
     */
    public static boolean isValid(String value) {
        return value != null && value.length() == LENGTH && KeyCharacters.allIdCharacters(value, 0, LENGTH);
    }

    @Override
    public String toString() {
        return value;
    }
}
