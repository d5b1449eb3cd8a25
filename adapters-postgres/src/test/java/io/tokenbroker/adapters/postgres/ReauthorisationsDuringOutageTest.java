package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.application.port.out.Reauthorisations.Needed;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A refusal heard while the database is away may come from a stale copy of the refresh token (another instance
 * rotated it before the outage), so its mark is not served as one: the connection is unavailable until the database
 * answers, and then reads as the database says. A mark the database took is served through a later outage as before.
 */
class ReauthorisationsDuringOutageTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Instant SINCE = Instant.parse("2030-01-01T00:00:00Z");

    private final SwitchedRepository rows = new SwitchedRepository(
            EmbeddedDatabase.bean(ReauthorisationRepository.class));
    private final JdbcReauthorisations marks = new JdbcReauthorisations(rows,
            new DatabaseBreaker(Clock.systemUTC(), new DatabaseBreaker.Settings(1_000, Duration.ofMillis(1))), 100);

    @BeforeEach
    void empty() {
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "TRUNCATE reauthorisations");
    }

    @Test
    void aMarkTheDatabaseDidNotTakeMakesTheConnectionUnavailableNotRefusedAndIsGoneOnceItAnswers() {
        assertEquals(Optional.empty(), marks.find(KEY), "read (and remembered) before the outage");
        rows.down = true;

        assertThrows(StorageUnavailableException.class,
                () -> marks.mark(new Needed(KEY, SINCE, "invalid_grant")));
        assertThrows(StorageUnavailableException.class, () -> marks.find(KEY),
                "not 'needs re-authorisation': our refresh token may only have been stale");

        rows.down = false;
        assertEquals(Optional.empty(), marks.find(KEY), "the database holds no mark");
        rows.down = true;
        assertEquals(Optional.empty(), marks.find(KEY), "and that is what the next outage serves");
    }

    @Test
    void aMarkTheDatabaseTookIsServedThroughALaterOutage() {
        Needed needed = new Needed(KEY, SINCE, "invalid_grant");
        marks.mark(needed);
        rows.down = true;

        assertEquals(Optional.of(needed), marks.find(KEY));
    }

    /** The real repository, or a connection failure (SQLState 08001) as the driver reports a database that is gone. */
    private static final class SwitchedRepository implements ReauthorisationRepository {

        private final ReauthorisationRepository real;
        volatile boolean down;

        SwitchedRepository(ReauthorisationRepository real) {
            this.real = real;
        }

        @Override
        public void mark(String tenant, String connection, Instant since, String errorCode) {
            upOrFail();
            real.mark(tenant, connection, since, errorCode);
        }

        @Override
        public void clear(String tenant, String connection) {
            upOrFail();
            real.clear(tenant, connection);
        }

        @Override
        public Optional<ReauthorisationMark> find(String tenant, String connection) {
            upOrFail();
            return real.find(tenant, connection);
        }

        private void upOrFail() {
            if (down) {
                throw new IllegalStateException(new SQLException("connection refused", "08001"));
            }
        }
    }
}
