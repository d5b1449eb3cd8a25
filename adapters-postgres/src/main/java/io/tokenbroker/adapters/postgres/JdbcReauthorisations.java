package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Re-authorisation marks in PostgreSQL, shared by every instance: one instance's {@code invalid_grant} stops the
 * others from spending upstream calls on a grant that is gone, and status reads the same everywhere.
 */
public final class JdbcReauthorisations implements Reauthorisations {

    private final DataSource dataSource;

    public JdbcReauthorisations(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void mark(Needed needed) {
        try (var db = dataSource.getConnection(); PreparedStatement upsert = db.prepareStatement("""
                INSERT INTO reauthorisations (tenant, connection, since, error_code) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant, connection) DO UPDATE SET since = EXCLUDED.since,
                    error_code = EXCLUDED.error_code""")) {
            bindKey(upsert, needed.key());
            upsert.setTimestamp(3, Timestamp.from(needed.since()));
            upsert.setString(4, needed.errorCode());
            upsert.executeUpdate();
        } catch (SQLException failure) {
            throw unavailable("marking " + needed.key(), failure);
        }
    }

    @Override
    public void clear(ConnectionKey key) {
        try (var db = dataSource.getConnection(); PreparedStatement delete = db.prepareStatement(
                "DELETE FROM reauthorisations WHERE tenant = ? AND connection = ?")) {
            bindKey(delete, key);
            delete.executeUpdate();
        } catch (SQLException failure) {
            throw unavailable("clearing the mark of " + key, failure);
        }
    }

    @Override
    public Optional<Needed> find(ConnectionKey key) {
        try (var db = dataSource.getConnection(); PreparedStatement select = db.prepareStatement(
                "SELECT since, error_code FROM reauthorisations WHERE tenant = ? AND connection = ?")) {
            bindKey(select, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                        ? Optional.of(new Needed(key, row.getTimestamp(1).toInstant(), row.getString(2)))
                        : Optional.empty();
            }
        } catch (SQLException failure) {
            throw unavailable("reading the mark of " + key, failure);
        }
    }

    private static void bindKey(PreparedStatement statement, ConnectionKey key) throws SQLException {
        statement.setString(1, key.tenant().value());
        statement.setString(2, key.connection().value());
    }

    private static StorageUnavailableException unavailable(String what, SQLException failure) {
        return new StorageUnavailableException(what + " for re-authorisation failed (SQLState "
                + failure.getSQLState() + ")", failure);
    }
}
