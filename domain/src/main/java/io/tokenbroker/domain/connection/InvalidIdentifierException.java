package io.tokenbroker.domain.connection;

/**
 * An id that does not match {@code [A-Za-z0-9._-]{1,64}}. The rejected value is left out of the message on
 * purpose: it came from a caller and may be anything, a secret pasted into the wrong field included.
 */
public final class InvalidIdentifierException extends IllegalArgumentException {

    private final String kind;

    public InvalidIdentifierException(String kind) {
        super(kind + " must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        this.kind = kind;
    }

    /** Which id was malformed, e.g. {@code tenant}. */
    public String kind() {
        return kind;
    }
}
