package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The caller asked for a token valid longer than the connection's provider issues them for: a fresh token would not
 * last {@code minValidFor} either, so neither waiting nor retrying helps; the caller must ask for less.
 */
public final class MinValidityUnsatisfiableException extends BrokerException {

    private final Duration minValidFor;
    private final Duration lifetime;

    /** @param lifetime how long the connection's tokens live when issued (the newest one's lifetime) */
    public MinValidityUnsatisfiableException(ConnectionKey key, Duration minValidFor, Duration lifetime) {
        super(Kind.UNSATISFIABLE, "min-validity-unsatisfiable", "Minimum validity cannot be met",
                "min_valid_for " + minValidFor.toSeconds() + " s exceeds the " + lifetime.toSeconds()
                        + " s lifetime of the tokens of " + key, Optional.empty(), null);
        this.minValidFor = Objects.requireNonNull(minValidFor, "minValidFor");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    @Override
    public String detail() {
        return "min_valid_for is " + minValidFor.toSeconds() + " s, but this connection's tokens are issued for "
                + lifetime.toSeconds() + " s; ask for at most that";
    }
}
