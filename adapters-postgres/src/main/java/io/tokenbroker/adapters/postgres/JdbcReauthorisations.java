package io.tokenbroker.adapters.postgres;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Re-authorisation marks in PostgreSQL, shared by every instance: one instance's {@code invalid_grant} stops the
 * others from spending upstream calls on a grant that is gone, and status reads the same everywhere.
 *
 * <p>What this instance last read or wrote for a connection (a mark, or that there is none) is remembered, bounded,
 * and served while the database is unavailable, so refreshes of the connections it serves go on; a connection it
 * never looked at fails as the database does.
 *
 * <p>A mark that cannot be written is not a mark. During an outage the refresh token this instance presented came
 * from its memory of the row, and another instance may have rotated it before the database went away: the provider's
 * {@code invalid_grant} then proves only that our copy was stale (a fault drill saw exactly that: one instance answered
 * 409 for the rest of the outage while the grant was alive in the database). Such a mark is held as unconfirmed: the
 * connection answers "unavailable" here (no more upstream calls with that token, which some providers punish by
 * revoking the whole token family) until the database answers again, and is then forgotten, so the next refresh
 * reads the row as it is and a refusal of that is marked for good.
 */
public final class JdbcReauthorisations implements Reauthorisations {

    private final ReauthorisationRepository rows;
    private final DatabaseBreaker database;
    private final Cache<ConnectionKey, Optional<Needed>> remembered;
    private final Set<ConnectionKey> unconfirmed = ConcurrentHashMap.newKeySet();

    public JdbcReauthorisations(ReauthorisationRepository rows) {
        this(rows, DatabaseBreaker.withDefaults(Clock.systemUTC()), JdbcConnections.DEFAULT_REMEMBERED);
    }

    /** @param remembered marks (or their absence) kept for an outage */
    public JdbcReauthorisations(ReauthorisationRepository rows, DatabaseBreaker database, int remembered) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.database = Objects.requireNonNull(database, "database");
        this.remembered = Caffeine.newBuilder().maximumSize(remembered).build();
    }

    @Override
    public void mark(Needed needed) {
        ConnectionKey key = needed.key();
        try {
            database.run("marking " + key + " for re-authorisation", () -> rows.mark(key.tenant().value(),
                    key.connection().value(), needed.since(), needed.errorCode()));
        } catch (StorageUnavailableException unavailable) {
            unconfirmed.add(key);
            throw unavailable;
        }
        unconfirmed.remove(key);
        remembered.put(key, Optional.of(needed));
    }

    @Override
    public void clear(ConnectionKey key) {
        database.run("clearing the re-authorisation mark of " + key,
                () -> rows.clear(key.tenant().value(), key.connection().value()));
        unconfirmed.remove(key);
        remembered.put(key, Optional.empty());
    }

    @Override
    public Optional<Needed> find(ConnectionKey key) {
        Optional<Needed> found;
        try {
            found = database.call("reading the re-authorisation mark of " + key,
                    () -> rows.find(key.tenant().value(), key.connection().value()))
                    .map(mark -> new Needed(key, mark.since(), mark.code()));
        } catch (StorageUnavailableException unavailable) {
            Optional<Needed> known = remembered.getIfPresent(key);
            if (known == null || unconfirmed.contains(key)) {
                throw unavailable;
            }
            return known;
        }
        unconfirmed.remove(key);
        remembered.put(key, found);
        return found;
    }
}
