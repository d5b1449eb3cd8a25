package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Re-authorisation marks in PostgreSQL, shared by every instance: one instance's {@code invalid_grant} stops the
 * others from spending upstream calls on a grant that is gone, and status reads the same everywhere.
 */
public final class JdbcReauthorisations implements Reauthorisations {

    private final ReauthorisationRepository rows;

    public JdbcReauthorisations(ReauthorisationRepository rows) {
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    @Override
    public void mark(Needed needed) {
        ConnectionKey key = needed.key();
        Storage.run("marking " + key + " for re-authorisation", () -> rows.mark(key.tenant().value(),
                key.connection().value(), needed.since(), needed.errorCode()));
    }

    @Override
    public void clear(ConnectionKey key) {
        Storage.run("clearing the re-authorisation mark of " + key,
                () -> rows.clear(key.tenant().value(), key.connection().value()));
    }

    @Override
    public Optional<Needed> find(ConnectionKey key) {
        return Storage.call("reading the re-authorisation mark of " + key,
                () -> rows.find(key.tenant().value(), key.connection().value()))
                .map(mark -> new Needed(key, mark.since(), mark.code()));
    }
}
