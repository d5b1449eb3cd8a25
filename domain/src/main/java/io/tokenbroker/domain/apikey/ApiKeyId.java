package io.tokenbroker.domain.apikey;

import java.util.regex.Pattern;

/** The public part of an API key: safe to log, used to find the stored hash without scanning. */
public record ApiKeyId(String value) {

    private static final Pattern SYNTAX = Pattern.compile("[a-z0-9]{16}");

    public ApiKeyId {
        if (value == null || !SYNTAX.matcher(value).matches()) {
            throw new IllegalArgumentException("an API key id is 16 characters of a-z and 0-9");
        }
    }

    public static boolean isValid(String value) {
        return value != null && SYNTAX.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
