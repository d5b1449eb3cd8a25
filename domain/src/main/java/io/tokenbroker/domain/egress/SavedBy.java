package io.tokenbroker.domain.egress;

/**
 * Which kind of API key last saved a connection, and so which outbound targets it may name: operators run the broker
 * and may point it into their own network; a tenant may not.
 */
public enum SavedBy {
    /** An {@code admin} key, or a connection stored before the broker recorded who saved it. */
    OPERATOR,
    /** A key scoped to tenants. */
    TENANT
}
