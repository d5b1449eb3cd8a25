package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.CheckpointSigner;
import io.tokenbroker.domain.audit.CheckpointSignatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * Signs checkpoints with an Ed25519 private key given as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}, what
 * {@code openssl genpkey -algorithm ed25519} writes). BouncyCastle derives the public key from it, so the operator
 * configures one secret and the broker publishes the matching public key. Nothing of the key reaches a message.
 */
public final class BouncyCastleCheckpointSigner implements CheckpointSigner {

    private final Ed25519PrivateKeyParameters key;
    private final String publicKeyPem;
    private final String keyId;

    private BouncyCastleCheckpointSigner(Ed25519PrivateKeyParameters key, PublicKey publicKey) {
        this.key = key;
        this.publicKeyPem = CheckpointSignatures.pem(publicKey);
        this.keyId = CheckpointSignatures.keyId(publicKey);
    }

    /** Reads the key; throws {@link IllegalArgumentException} (naming no key material) for anything else. */
    public static BouncyCastleCheckpointSigner fromPem(String pem) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        AsymmetricKeyParameter parsed;
        try {
            parsed = PrivateKeyFactory.createKey(Base64.getDecoder().decode(base64));
        } catch (IOException | RuntimeException unreadable) {
            // No cause attached: the parser's messages may quote the bytes it choked on.
            throw new IllegalArgumentException("the audit signing key is not a private key in PKCS#8 PEM ("
                    + unreadable.getClass().getSimpleName() + ")");
        }
        if (!(parsed instanceof Ed25519PrivateKeyParameters ed25519)) {
            throw new IllegalArgumentException("the audit signing key is not an Ed25519 key");
        }
        try {
            byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(ed25519.generatePublicKey())
                    .getEncoded();
            return new BouncyCastleCheckpointSigner(ed25519,
                    KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        } catch (IOException | GeneralSecurityException impossible) {
            throw new IllegalStateException("an Ed25519 public key did not encode", impossible);
        }
    }

    @Override
    public Optional<String> keyId() {
        return Optional.of(keyId);
    }

    @Override
    public Optional<String> publicKeyPem() {
        return Optional.of(publicKeyPem);
    }

    @Override
    public Optional<String> sign(String body) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] message = body.getBytes(StandardCharsets.UTF_8);
        signer.update(message, 0, message.length);
        return Optional.of(Base64.getEncoder().encodeToString(signer.generateSignature()));
    }
}
