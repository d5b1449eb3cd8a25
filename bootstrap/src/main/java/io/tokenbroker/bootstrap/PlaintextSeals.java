package io.tokenbroker.bootstrap;

import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import java.nio.charset.StandardCharsets;

/**
 * No sealing, for development without a key ring ({@code tokenbroker.redis.allow-plaintext=true}) and for the
 * embedded default, where nothing leaves the process. Values are only encoded; a value sealed under a real key
 * does not open here (it is a miss), so switching a Redis from sealed to plaintext serves nothing stale.
 */
final class PlaintextSeals implements Seals {

    static final String KEY_ID = "plaintext";

    @Override
    public Sealed seal(Purpose purpose, byte[] context, String plaintext) {
        return new Sealed(KEY_ID, plaintext.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String open(Purpose purpose, byte[] context, Sealed sealed) {
        if (!KEY_ID.equals(sealed.keyId())) {
            throw new UndecryptableSecretException("sealed under key " + sealed.keyId() + ", and no key ring is set");
        }
        return new String(sealed.bytes(), StandardCharsets.UTF_8);
    }

    @Override
    public String activeKeyId() {
        return KEY_ID;
    }
}
