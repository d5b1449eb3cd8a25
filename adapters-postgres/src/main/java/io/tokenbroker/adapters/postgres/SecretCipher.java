package io.tokenbroker.adapters.postgres;

import io.tokenbroker.domain.connection.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Envelope encryption of secrets at rest: AES-256-GCM (the JDK's), a fresh random 96-bit nonce per value, the
 * {@link AssociatedData} of the row and field as AAD. The AES key is not the master key itself but one derived with
 * HKDF-SHA256 per master key and per purpose (field), so a key used for client secrets never encrypts refresh tokens
 * and a future purpose (API keys, Redis pending slots) gets its own key from the same ring.
 *
 * <p>Sealed layout: {@code nonce (12 bytes) || ciphertext || tag (16 bytes)}; the key id is stored beside it.
 */
public final class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] HKDF_SALT = "tokenbroker-secret-cipher-v1".getBytes(StandardCharsets.US_ASCII);

    /** A sealed value and the id of the master key it was sealed under. */
    public record Sealed(String keyId, byte[] bytes) {

        public Sealed {
            Objects.requireNonNull(keyId, "keyId");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Sealed that && keyId.equals(that.keyId) && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * keyId.hashCode() + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Sealed[keyId=" + keyId + ", " + bytes.length + " bytes]";
        }
    }

    private final EncryptionKeys keys;
    private final SecureRandom random;
    private final Map<String, SecretKeySpec> derived = new ConcurrentHashMap<>();

    public SecretCipher(EncryptionKeys keys, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
    }

    public String activeKeyId() {
        return keys.activeId();
    }

    /** Encrypts under the active key. */
    public Sealed seal(Secret secret, AssociatedData binding) {
        String keyId = keys.activeId();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(keyId, binding.field()), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(binding.bytes());
            byte[] ciphertext = cipher.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
            return new Sealed(keyId, ByteBuffer.allocate(NONCE_BYTES + ciphertext.length).put(nonce).put(ciphertext)
                    .array());
        } catch (GeneralSecurityException unexpected) {
            throw new IllegalStateException("AES-GCM is not available", unexpected);
        }
    }

    /**
     * Decrypts a value sealed for exactly this binding.
     *
     * @throws UndecryptableSecretException when it was tampered with, sealed for another row or field, or under a
     *                                      key no longer in the ring
     */
    public Secret open(Sealed sealed, AssociatedData binding) {
        byte[] bytes = sealed.bytes;
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8 + 1) {
            throw new UndecryptableSecretException("a sealed " + binding.field() + " is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(sealed.keyId(), binding.field()),
                    new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(binding.bytes());
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return Secret.of(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException badTag) {
            // No cause attached: nothing about the ciphertext or key belongs in a stack trace.
            throw new UndecryptableSecretException("the sealed " + binding.field() + " of " + binding.connection()
                    + " failed authentication: tampered, or sealed for another row or field");
        } catch (GeneralSecurityException unexpected) {
            throw new UndecryptableSecretException("the sealed " + binding.field() + " of " + binding.connection()
                    + " could not be decrypted");
        }
    }

    private SecretKeySpec key(String keyId, AssociatedData.Field purpose) {
        return derived.computeIfAbsent(keyId + "/" + purpose.name(), cacheKey -> {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            byte[] info = ("tokenbroker/" + purpose.name()).getBytes(StandardCharsets.US_ASCII);
            hkdf.init(new HKDFParameters(keys.master(keyId), HKDF_SALT, info));
            byte[] aesKey = new byte[32];
            hkdf.generateBytes(aesKey, 0, aesKey.length);
            return new SecretKeySpec(aesKey, "AES");
        });
    }
}
