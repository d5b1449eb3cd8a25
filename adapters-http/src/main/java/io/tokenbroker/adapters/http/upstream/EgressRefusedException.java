package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.domain.egress.EgressRefusal;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * A client's resolver hook found, when it was about to connect, that the host now resolves to an address the egress
 * policy refuses: no connection is opened. An {@link UnknownHostException} because that is all a resolver hook may
 * throw (Apache HttpClient's {@code DnsResolver}); callers that tell a refusal from an unreachable host look for this
 * type among the causes ({@link #in}). The message names the rule only.
 */
public final class EgressRefusedException extends UnknownHostException {

    private final transient EgressRefusal refusal;

    public EgressRefusedException(EgressRefusal refusal) {
        super(refusal.detail());
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public EgressRefusal refusal() {
        return refusal;
    }

    /** The refusal a client's failure was caused by, if one was. */
    public static Optional<EgressRefusal> in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EgressRefusedException refused) {
                return Optional.of(refused.refusal);
            }
        }
        return Optional.empty();
    }
}
