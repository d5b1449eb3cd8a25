package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.util.Objects;
import java.util.Optional;

/** Applies the rate limits per API key and per client address; the tighter one decides. */
public interface AdmitRequest {

    Admission admit(Command command);

    record Command(Optional<ApiKeyId> key, String clientAddress) {
        public Command {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(clientAddress, "clientAddress");
        }
    }
}
