package io.tokenbroker.domain.apikey;

/** The character classes of an API key, tested without regular expressions (they run on every request). */
final class KeyCharacters {

    private KeyCharacters() {
    }

    /** {@code [a-z0-9]} for every character of {@code text} in [from, to). */
    static boolean allIdCharacters(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9_-]} (base64url) for every character of {@code text} in [from, to). */
    static boolean allSecretCharacters(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
