package io.tokenbroker.adapters.http.inbound;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque page cursors: base64url of a position, so clients pass them back unchanged and we may change the position's
 * shape later. A cursor that does not decode is the caller's error (400), never a 500.
 */
final class Cursors {

    private Cursors() {
    }

    static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidRequestException("cursor is not one this service handed out");
        }
    }

    static String ofKey(ConnectionKey key) {
        return encode(key.tenant().value() + "/" + key.connection().value());
    }

    static Optional<ConnectionKey> toKey(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Optional.empty();
        }
        String position = decode(cursor);
        int slash = position.indexOf('/');
        try {
            return Optional.of(ConnectionKey.of(position.substring(0, Math.max(0, slash)),
                    position.substring(slash + 1)));
        } catch (RuntimeException malformed) {
            throw new InvalidRequestException("cursor is not one this service handed out");
        }
    }

    static int limit(Integer requested, int defaultLimit, int max) {
        if (requested == null) {
            return defaultLimit;
        }
        if (requested < 1 || requested > max) {
            throw new InvalidRequestException("limit must be between 1 and " + max);
        }
        return requested;
    }
}
