package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.adapters.postgres.AssociatedData.Field;
import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals.Purpose;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing the key ring, and what the cipher does with it (no database). */
class EncryptionKeysTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String SHORT = Base64.getEncoder().encodeToString("sixteen-bytes-ok".getBytes());
    private static final AssociatedData ACME_RT = new AssociatedData(ConnectionKey.of("acme", "crm"),
            Field.REFRESH_TOKEN);

    @Test
    void oneKeyIsActiveWithoutBeingNamed() {
        EncryptionKeys keys = EncryptionKeys.parse("k1:" + KEY_A, null);

        assertEquals("k1", keys.activeId());
    }

    @Test
    void severalKeysNeedTheActiveIdNamed() {
        String ring = EmbeddedDatabase.randomRing("k1", "k2");

        assertThrows(InvalidEncryptionKeysException.class, () -> EncryptionKeys.parse(ring, ""));
        assertThrows(InvalidEncryptionKeysException.class, () -> EncryptionKeys.parse(ring, "k3"));
        assertEquals(Set.of("k1", "k2"), EncryptionKeys.parse(ring, "k2").ids());
    }

    @Test
    void aMissingMalformedOrShortKeyIsRefusedWithoutShowingIt() {
        assertThrows(InvalidEncryptionKeysException.class, () -> EncryptionKeys.parse(null, null));
        assertThrows(InvalidEncryptionKeysException.class, () -> EncryptionKeys.parse(" ", null));
        assertThrows(InvalidEncryptionKeysException.class, () -> EncryptionKeys.parse(KEY_A, null), "no id");
        assertThrows(InvalidEncryptionKeysException.class, () -> EncryptionKeys.parse("k 1:" + KEY_A, null));
        assertThrows(InvalidEncryptionKeysException.class,
                () -> EncryptionKeys.parse("k1:" + KEY_A + ",k1:" + KEY_A, "k1"), "duplicate id");
        InvalidEncryptionKeysException tooShort = assertThrows(InvalidEncryptionKeysException.class,
                () -> EncryptionKeys.parse("k1:" + SHORT, null));
        assertFalse(tooShort.getMessage().contains(SHORT));
        InvalidEncryptionKeysException notBase64 = assertThrows(InvalidEncryptionKeysException.class,
                () -> EncryptionKeys.parse("k1:not*base64*at*all", null));
        assertFalse(notBase64.getMessage().contains("not*base64"));
        assertFalse(EncryptionKeys.parse("k1:" + KEY_A, null).toString().contains(KEY_A));
    }

    @Test
    void everySealUsesAFreshNonceAndOpensOnlyForItsBinding() {
        AesGcmSeals cipher = new AesGcmSeals(EncryptionKeys.parse(EmbeddedDatabase.randomRing("k1"), null),
                new SecureRandom());

        Sealed once = ACME_RT.seal(cipher, Secret.of("rt"));
        Sealed twice = ACME_RT.seal(cipher, Secret.of("rt"));

        assertNotEquals(once, twice, "same plaintext, different ciphertext");
        assertEquals(Secret.of("rt"), ACME_RT.open(cipher, once));
        assertThrows(UndecryptableSecretException.class,
                () -> new AssociatedData(ConnectionKey.of("acme", "crm"), Field.CLIENT_SECRET).open(cipher, once));
        assertTrue(once.toString().startsWith("Sealed[keyId=k1"));
    }

    /**
     * Each thread reuses one cipher for every value: sealed and opened under two keys and two purposes in turn, and
     * after refused opens, each value still opens for its own binding and for no other.
     */
    @Test
    void oneThreadsCipherServesEveryKeyAndPurposeInTurn() {
        String ring = EmbeddedDatabase.randomRing("k1", "k2");
        AesGcmSeals before = new AesGcmSeals(EncryptionKeys.parse(ring, "k1"), new SecureRandom());
        AesGcmSeals after = new AesGcmSeals(EncryptionKeys.parse(ring, "k2"), new SecureRandom());
        byte[] here = "tb:{acme/crm}:token".getBytes(StandardCharsets.UTF_8);

        Sealed token = before.seal(Purpose.ACCESS_TOKEN, here, "the token");
        Sealed secret = after.seal(Purpose.CLIENT_SECRET, here, "the secret");

        assertEquals("k1", token.keyId());
        assertEquals("k2", secret.keyId());
        assertThrows(UndecryptableSecretException.class, () -> after.open(Purpose.CLIENT_SECRET, here, token));
        assertEquals("the token", after.open(Purpose.ACCESS_TOKEN, here, token));
        assertEquals("the secret", before.open(Purpose.CLIENT_SECRET, here, secret));
        assertThrows(UndecryptableSecretException.class, () -> before.open(Purpose.ACCESS_TOKEN, here, secret));
        assertThrows(UndecryptableSecretException.class,
                () -> before.open(Purpose.ACCESS_TOKEN, "tb:{acme/erp}:token".getBytes(StandardCharsets.UTF_8), token));
        assertEquals("the token", before.open(Purpose.ACCESS_TOKEN, here, token));
        assertEquals("the secret", after.open(Purpose.CLIENT_SECRET, here, secret));
    }
}
