package io.tokenbroker.domain.connection;

import java.util.regex.Pattern;

/** The one syntax every id that appears in a URL path or a Redis key obeys. */
final class Identifier {

    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Identifier() {
    }

    static String check(String kind, String value) {
        if (value == null || !SYNTAX.matcher(value).matches()) {
            throw new InvalidIdentifierException(kind);
        }
        return value;
    }
}
