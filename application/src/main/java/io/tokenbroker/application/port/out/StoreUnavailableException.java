package io.tokenbroker.application.port.out;

/**
 * A store behind an out-port (the vault, API keys, the refresh log, re-authorisation marks) could not be reached or
 * refused a statement; a later call may succeed. Adapters throw it, or a subclass of it, for outages only, never for
 * a bug, so the services can tell the caller to come back instead of reporting an internal error. The message
 * holds no secret.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
