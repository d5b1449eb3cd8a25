package io.tokenbroker.domain.token;

import java.util.Locale;

/**
 * A provider's expiry that cannot be trusted: the token must not be cached or served on its strength. The value
 * itself stays out of the message (it travels next to tokens and is not ours to log).
 */
public final class InvalidExpiryException extends RuntimeException {

    /** Why the expiry was refused. */
    public enum Reason {
        NOT_A_NUMBER,
        NOT_AN_INSTANT,
        NOT_POSITIVE,
        ALREADY_EXPIRED,
        TOO_FAR_AHEAD
    }

    private final String field;
    private final Reason reason;

    public InvalidExpiryException(String field, Reason reason) {
        super("provider returned an unusable " + field + " (" + reason.name().toLowerCase(Locale.ROOT) + ")");
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public Reason reason() {
        return reason;
    }
}
