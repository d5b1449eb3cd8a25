package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.CheckpointSignatures;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configured PEM key signs what the JDK alone verifies, and a wrong key stops the start without showing it. */
class BouncyCastleCheckpointSignerTest {

    private static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    @Test
    void signsWithTheConfiguredKeyAndPublishesItsPublicHalf() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        BouncyCastleCheckpointSigner signer = BouncyCastleCheckpointSigner.fromPem(pem(keys.getPrivate()));

        assertEquals(CheckpointSignatures.pem(keys.getPublic()), signer.publicKeyPem().orElseThrow());
        assertEquals(CheckpointSignatures.keyId(keys.getPublic()), signer.keyId().orElseThrow());
        Checkpoint checkpoint = Checkpoint.of(Instant.parse("2030-01-01T00:00:00Z"), "demand", signer.keyId(),
                List.of(ChainHead.empty(ConnectionKey.of("acme", "crm"))));
        assertTrue(CheckpointSignatures.verifies(keys.getPublic(), checkpoint, signer.sign(checkpoint.body())));
        assertFalse(CheckpointSignatures.verifies(keys.getPublic(), checkpoint,
                signer.sign(checkpoint.body().replace("demand", "interval"))));
    }

    @Test
    void anythingButAnEd25519PrivateKeyIsRefusedWithoutRepeatingIt() throws Exception {
        String rsa = pem(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate());
        String garbage = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n-----END PRIVATE KEY-----\n";

        IllegalArgumentException notEd25519 = assertThrows(IllegalArgumentException.class,
                () -> BouncyCastleCheckpointSigner.fromPem(rsa));
        IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
                () -> BouncyCastleCheckpointSigner.fromPem(garbage));

        assertTrue(notEd25519.getMessage().contains("not an Ed25519 key"), notEd25519.getMessage());
        assertFalse(unreadable.getMessage().contains("c2VjcmV0"), unreadable.getMessage());
        assertEquals(null, unreadable.getCause(), "no cause that could carry the key's bytes");
    }
}
