package io.tokenbroker.adapters.postgres;

import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;

/** A row of {@code reauthorisations}, keyed by tenant and connection. */
@MappedEntity("reauthorisations")
public record ReauthorisationRow(@EmbeddedId Key key, Instant since, String errorCode) {

    /** The primary key. */
    @Embeddable
    public record Key(@MappedProperty("tenant") String tenant, @MappedProperty("connection") String connection) {
    }
}
