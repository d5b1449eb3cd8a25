package io.tokenbroker.application.testing;

import io.tokenbroker.application.port.out.SecretHasher;
import java.util.concurrent.atomic.AtomicInteger;

/** A transparent stand-in for bcrypt that counts verifications, so tests can prove when hashing is skipped. */
public final class CountingSecretHasher implements SecretHasher {

    private final AtomicInteger verifications = new AtomicInteger();

    @Override
    public String hash(String secret) {
        return "hashed:" + new StringBuilder(secret).reverse();
    }

    @Override
    public boolean matches(String secret, String hash) {
        verifications.incrementAndGet();
        return hash(secret).equals(hash);
    }

    @Override
    public String fingerprint(String secret) {
        return "fp:" + secret.hashCode() + ":" + secret.length();
    }

    public int verifications() {
        return verifications.get();
    }
}
