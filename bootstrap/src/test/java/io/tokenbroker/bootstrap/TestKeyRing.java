package io.tokenbroker.bootstrap;

import java.security.SecureRandom;
import java.util.Base64;

/** Key rings for brokers started by tests: every broker over Redis or PostgreSQL needs one. */
public final class TestKeyRing {

    /** The property that carries {@code TOKENBROKER_ENCRYPTION_KEYS}. */
    public static final String PROPERTY = "tokenbroker.encryption.keys";
    /** One random ring for the whole test run, so instances of one test share it as a deployment's would. */
    public static final String KEYS = random("test");

    private TestKeyRing() {
    }

    /** A ring of one fresh random 32-byte key under {@code id}. */
    public static String random(String id) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return id + ":" + Base64.getEncoder().encodeToString(key);
    }
}
