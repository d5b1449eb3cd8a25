package io.tokenbroker.client;

/**
 * An RFC 9457 problem detail as the broker wrote it. The broker's types are URNs
 * ({@code urn:tokenbroker:problem:connection-not-found}); {@link #name()} gives the last part to switch on.
 *
 * @param status the HTTP status, or 0 when no answer came (the broker was unreachable)
 * @param detail may be null
 */
public record Problem(String type, String title, int status, String detail) {

    static final String BROKER_TYPE_PREFIX = "urn:tokenbroker:problem:";

    /** The problem's name without the URN prefix, e.g. {@code reauthorization-required}. */
    public String name() {
        return type.startsWith(BROKER_TYPE_PREFIX) ? type.substring(BROKER_TYPE_PREFIX.length()) : type;
    }

    static Problem broker(String name, String title, int status, String detail) {
        return new Problem(BROKER_TYPE_PREFIX + name, title, status, detail);
    }
}
