package io.tokenbroker.application.testing;

import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link Seals} for adapter tests that cannot see the production implementation (adapters never see each other):
 * real AES-GCM with the context as AAD, but keys derived from their ids, so it is for tests only. Sealed values hold
 * no plaintext, a value opened with another purpose, context or a key outside {@code ring} fails as the port says.
 */
public final class TestSeals implements Seals {

    private final Set<String> ring;
    private final String active;
    private final SecureRandom random = new SecureRandom();

    public TestSeals(String active, String... retired) {
        this.active = active;
        this.ring = Set.of(concat(active, retired));
    }

    @Override
    public Sealed seal(Purpose purpose, byte[] context, String plaintext) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] ciphertext = run(Cipher.ENCRYPT_MODE, active, purpose, nonce, context,
                plaintext.getBytes(StandardCharsets.UTF_8));
        return new Sealed(active, ByteBuffer.allocate(12 + ciphertext.length).put(nonce).put(ciphertext).array());
    }

    @Override
    public String open(Purpose purpose, byte[] context, Sealed sealed) {
        if (!ring.contains(sealed.keyId())) {
            throw new UndecryptableSecretException("key " + sealed.keyId() + " is not in the ring");
        }
        byte[] bytes = sealed.bytes();
        if (bytes.length < 12) {
            throw new UndecryptableSecretException("a sealed " + purpose + " is truncated");
        }
        byte[] plain = run(Cipher.DECRYPT_MODE, sealed.keyId(), purpose, Arrays.copyOf(bytes, 12), context,
                Arrays.copyOfRange(bytes, 12, bytes.length));
        return new String(plain, StandardCharsets.UTF_8);
    }

    @Override
    public String activeKeyId() {
        return active;
    }

    private static byte[] run(int mode, String keyId, Purpose purpose, byte[] nonce, byte[] context, byte[] input) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest((keyId + "/" + purpose).getBytes(StandardCharsets.UTF_8));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(context);
            return cipher.doFinal(input);
        } catch (GeneralSecurityException refused) {
            throw new UndecryptableSecretException("a sealed " + purpose + " did not open");
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
