package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.StoreUnavailableException;

/** The database could not be reached or refused a statement; a later call may succeed. No secret in the message. */
public final class StorageUnavailableException extends StoreUnavailableException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
