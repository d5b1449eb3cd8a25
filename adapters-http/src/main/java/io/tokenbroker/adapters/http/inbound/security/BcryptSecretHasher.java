package io.tokenbroker.adapters.http.inbound.security;

import io.tokenbroker.application.port.out.SecretHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt (BouncyCastle's {@code OpenBSDBCrypt}, {@code $2y$}) for stored key hashes, HMAC-SHA256 under a key drawn at
 * start-up for the verified-key cache: the fingerprints mean nothing outside this process.
 */
public final class BcryptSecretHasher implements SecretHasher {

    private final int cost;
    private final SecureRandom random;
    private final SecretKeySpec fingerprintKey;
    /** One Mac per thread: {@code Mac.getInstance} goes through the provider registry, too slow for every request. */
    private final ThreadLocal<Mac> macs;

    /** @param cost bcrypt's log2 work factor: 12 by default (~0.35 s here), 4 in tests */
    public BcryptSecretHasher(int cost, SecureRandom random) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("the bcrypt cost must be between 4 and 31");
        }
        this.cost = cost;
        this.random = random;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.fingerprintKey = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            return mac;
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every JDK ships HmacSHA256", impossible);
        }
    }

    @Override
    public String hash(String secret) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", secret.toCharArray(), salt, cost);
    }

    @Override
    public boolean matches(String secret, String hash) {
        try {
            return OpenBSDBCrypt.checkPassword(hash, secret.toCharArray());
        } catch (IllegalArgumentException | IndexOutOfBoundsException malformedHash) {
            // Bouncy Castle reads the version at fixed positions before it checks the length: "" throws the latter.
            return false;
        }
    }

    @Override
    public String fingerprint(String secret) {
        // doFinal resets the Mac, so the thread's instance is ready for the next call.
        return HexFormat.of().formatHex(macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
