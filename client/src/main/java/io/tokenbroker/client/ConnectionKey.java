package io.tokenbroker.client;

import java.util.Objects;

/** One tenant's connection, the unit tokens are cached, counted and scripted by. */
record ConnectionKey(String tenant, String connection) {

    ConnectionKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(connection, "connection");
    }
}
