package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.UndecryptableSecretException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The key ring: versioned master keys, one of them active. New values are sealed under the active key; values
 * sealed under any key of the ring still open, so keys can be rotated online (add the new key, make it active,
 * re-encrypt, then drop the old one).
 *
 * <p>Format of {@code TOKENBROKER_ENCRYPTION_KEYS}: comma-separated {@code id:base64key} pairs, e.g.
 * {@code k1:q0v...=,k2:Zm9v...=}; ids are 1-16 characters of {@code A-Z a-z 0-9 _ -}; every key decodes to at least
 * 32 bytes (standard or URL-safe Base64). {@code TOKENBROKER_ENCRYPTION_ACTIVE_KEY} names the active id; it may be
 * left out when the ring holds one key. No error message ever contains key material.
 */
public final class EncryptionKeys {

    /** AES-256 needs 32 bytes of key; a shorter master key is refused rather than stretched. */
    public static final int MIN_KEY_BYTES = 32;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    private final Map<String, byte[]> keys;
    private final String activeId;

    private EncryptionKeys(Map<String, byte[]> keys, String activeId) {
        this.keys = Collections.unmodifiableMap(keys);
        this.activeId = activeId;
    }

    /**
     * Parses the ring.
     *
     * @param activeId the active key id; null or blank means "the only key"
     * @throws InvalidEncryptionKeysException when the ring is missing, malformed, a key is short, or the active id
     *                                        is ambiguous or unknown
     */
    public static EncryptionKeys parse(String ring, String activeId) {
        if (ring == null || ring.isBlank()) {
            throw new InvalidEncryptionKeysException("TOKENBROKER_ENCRYPTION_KEYS is not set");
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : ring.split(",")) {
            String trimmed = entry.strip();
            int colon = trimmed.indexOf(':');
            if (colon < 0) {
                throw new InvalidEncryptionKeysException("an entry of TOKENBROKER_ENCRYPTION_KEYS is not id:base64key");
            }
            String id = trimmed.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new InvalidEncryptionKeysException("a key id is not 1-16 characters of A-Z a-z 0-9 _ -");
            }
            byte[] key = decode(trimmed.substring(colon + 1).strip(), id);
            if (key.length < MIN_KEY_BYTES) {
                throw new InvalidEncryptionKeysException("key " + id + " is shorter than " + MIN_KEY_BYTES + " bytes");
            }
            if (keys.put(id, key) != null) {
                throw new InvalidEncryptionKeysException("key id " + id + " appears twice");
            }
        }
        String active = activeId == null || activeId.isBlank() ? null : activeId.strip();
        if (active == null) {
            if (keys.size() != 1) {
                throw new InvalidEncryptionKeysException(
                        "several keys and no TOKENBROKER_ENCRYPTION_ACTIVE_KEY: which one encrypts is ambiguous");
            }
            active = keys.keySet().iterator().next();
        }
        if (!keys.containsKey(active)) {
            throw new InvalidEncryptionKeysException("the active key id " + active + " is not in the ring");
        }
        return new EncryptionKeys(keys, active);
    }

    private static byte[] decode(String base64, String id) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(base64);
            } catch (IllegalArgumentException notUrlSafe) {
                // The cause would quote the offending character of the key: left out on purpose.
                throw new InvalidEncryptionKeysException("key " + id + " is not Base64");
            }
        }
    }

    public String activeId() {
        return activeId;
    }

    public Set<String> ids() {
        return keys.keySet();
    }

    /** The master key with this id; package-private so that only the cipher derives from it. */
    byte[] master(String id) {
        byte[] key = keys.get(Objects.requireNonNull(id, "id"));
        if (key == null) {
            throw new UndecryptableSecretException("sealed under key " + id + ", which is not in the ring");
        }
        return key;
    }

    @Override
    public String toString() {
        return "EncryptionKeys[ids=" + keys.keySet() + ", active=" + activeId + "]";
    }
}
