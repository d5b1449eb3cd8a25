package io.tokenbroker.domain.egress;

/**
 * Why an outbound target was refused. The detail names the rule, never whether the target answers, so a refusal
 * cannot be used to map the network the broker runs in.
 */
public record EgressRefusal(Reason reason, String detail) {

    public enum Reason {
        /** Not http or https, or no host. */
        NOT_HTTP,
        /** Link-local, unspecified, multicast, broadcast or reserved, and not listed by the operator. */
        FORBIDDEN_ADDRESS,
        /** Loopback or private, named by a tenant, and not on the allowed list. */
        PRIVATE_ADDRESS
    }
}
