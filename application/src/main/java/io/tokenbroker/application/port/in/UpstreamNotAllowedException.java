package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.egress.EgressRefusal;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection names an outbound URL the egress policy refuses to the kind of key that saved it. The detail names
 * the field and the rule, never whether the target answers.
 */
public final class UpstreamNotAllowedException extends BrokerException {

    private final String field;
    private final transient EgressRefusal refusal;

    public UpstreamNotAllowedException(String field, EgressRefusal refusal) {
        super(Kind.INVALID, "upstream-not-allowed", "The connection names an upstream the broker may not call",
                field + " refused by the egress policy: " + refusal.reason(), Optional.empty(), null);
        this.field = Objects.requireNonNull(field, "field");
        this.refusal = refusal;
    }

    /** The request field that holds the refused URL. */
    public String field() {
        return field;
    }

    @Override
    public String detail() {
        return field + ": " + refusal.detail() + ".";
    }
}
