package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.EnumMap;
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
 * The one implementation of {@link Seals}, used by the vault and, through bootstrap's wiring, by the Redis
 * adapters: AES-256-GCM (the JDK's), a fresh random 96-bit nonce per value, the caller's context as AAD. The AES key
 * is not the master key itself but one derived with HKDF-SHA256 per master key and per purpose, so a key used for
 * client secrets never encrypts refresh tokens or cached access tokens.
 *
 * <p>Sealed layout: {@code nonce (12 bytes) || ciphertext || tag (16 bytes)}; the key id is stored beside it. The
 * layout and the derivation are those of the vault's first release, so its rows open unchanged.
 *
 * <p>Each thread keeps one {@link Cipher}, initialised afresh for every value (its own nonce, mode and AAD): a Redis hit
 * opens a sealed token, and {@code Cipher.getInstance} looks the provider up on every call while a new cipher expands
 * its AES key again, together most of an open's cost (issue 17). A reused JDK cipher skips the expansion when the key
 * is the one it last used.
 */
public final class AesGcmSeals implements Seals {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] HKDF_SALT = "tokenbroker-secret-cipher-v1".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(AesGcmSeals::newCipher);

    private final EncryptionKeys keys;
    private final SecureRandom random;
    /** Derived AES keys per purpose and key id; filled in once per pair. */
    private final Map<Purpose, Map<String, SecretKeySpec>> derived = new EnumMap<>(Purpose.class);

    public AesGcmSeals(EncryptionKeys keys, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
        for (Purpose purpose : Purpose.values()) {
            derived.put(purpose, new ConcurrentHashMap<>());
        }
    }

    @Override
    public String activeKeyId() {
        return keys.activeId();
    }

    @Override
    public Sealed seal(Purpose purpose, byte[] context, String plaintext) {
        String keyId = keys.activeId();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, key(keyId, purpose), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] ciphertext = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return new Sealed(keyId, ByteBuffer.allocate(NONCE_BYTES + ciphertext.length).put(nonce).put(ciphertext)
                    .array());
        } catch (GeneralSecurityException unexpected) {
            throw new IllegalStateException("AES-GCM is not available", unexpected);
        }
    }

    @Override
    public String open(Purpose purpose, byte[] context, Sealed sealed) {
        byte[] bytes = sealed.bytes();
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8 + 1) {
            throw new UndecryptableSecretException("a sealed " + purpose + " is truncated");
        }
        if (!keys.ids().contains(sealed.keyId())) {
            throw new UndecryptableSecretException("sealed under key " + sealed.keyId() + ", which is not in the ring");
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key(sealed.keyId(), purpose),
                    new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException badTag) {
            // No cause attached: nothing about the ciphertext or key belongs in a stack trace.
            throw new UndecryptableSecretException("a sealed " + purpose
                    + " failed authentication: tampered, or sealed for another place or purpose");
        } catch (GeneralSecurityException unexpected) {
            throw new UndecryptableSecretException("a sealed " + purpose + " could not be decrypted");
        }
    }

    private SecretKeySpec key(String keyId, Purpose purpose) {
        return derived.get(purpose).computeIfAbsent(keyId, id -> {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            byte[] info = ("tokenbroker/" + purpose.name()).getBytes(StandardCharsets.US_ASCII);
            hkdf.init(new HKDFParameters(keys.master(id), HKDF_SALT, info));
            byte[] aesKey = new byte[32];
            hkdf.generateBytes(aesKey, 0, aesKey.length);
            return new SecretKeySpec(aesKey, "AES");
        });
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException unexpected) {
            throw new IllegalStateException("AES-GCM is not available", unexpected);
        }
    }
}
