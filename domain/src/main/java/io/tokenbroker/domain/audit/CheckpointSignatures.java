package io.tokenbroker.domain.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks a checkpoint's Ed25519 signature with the JDK alone, so the broker and the offline verifier need neither the
 * signing key nor a network: the public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo,
 * what {@code openssl pkey -pubout} writes), the signature as base64 over the checkpoint's UTF-8 {@link
 * Checkpoint#body()}.
 */
public final class CheckpointSignatures {

    private CheckpointSignatures() {
    }

    /** Reads a PEM public key; throws {@link IllegalArgumentException} for anything else than an Ed25519 one. */
    public static PublicKey publicKey(String pem) {
        String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException notEd25519) {
            throw new IllegalArgumentException("not an Ed25519 public key in PEM", notEd25519);
        }
    }

    /** The PEM of a public key, as {@code GET /v1/audit/public-key} publishes it. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** The first 16 hex digits of the SHA-256 of the key's DER encoding: short enough to read out, and to pin. */
    public static String keyId(PublicKey key) {
        return ChainLink.hashOf(key.getEncoded()).substring(0, 16);
    }

    /** Whether {@code signature} (base64) is {@code key}'s over the checkpoint and the checkpoint names that key. */
    public static boolean verifies(PublicKey key, Checkpoint checkpoint, Optional<String> signature) {
        if (signature.isEmpty() || !checkpoint.keyId().equals(Optional.of(keyId(key)))) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(checkpoint.body().getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature.get()));
        } catch (GeneralSecurityException | IllegalArgumentException unreadable) {
            return false;
        }
    }
}
