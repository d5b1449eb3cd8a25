package io.tokenbroker.adapters.http.inbound.security;

import io.tokenbroker.application.contract.SecretHasherContract;
import io.tokenbroker.application.port.out.SecretHasher;
import java.security.SecureRandom;

/** The secret-hasher contract for bcrypt, at its cheapest cost. */
class BcryptSecretHasherTest extends SecretHasherContract {

    @Override
    protected SecretHasher hasher() {
        return new BcryptSecretHasher(4, new SecureRandom());
    }
}
