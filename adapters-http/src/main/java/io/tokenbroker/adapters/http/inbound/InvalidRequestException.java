package io.tokenbroker.adapters.http.inbound;

/** A request that parsed but says something impossible; the message is ours and names the field. */
public final class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
