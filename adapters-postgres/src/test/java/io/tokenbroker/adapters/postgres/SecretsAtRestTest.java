package io.tokenbroker.adapters.postgres;

import io.micronaut.transaction.TransactionOperations;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a database dump shows, and what happens to ciphertext that is moved, altered or sealed under an old key. */
class SecretsAtRestTest {

    private static final ConnectionKey ACME = ConnectionKey.of("acme", "crm");
    private static final ConnectionKey GLOBEX = ConnectionKey.of("globex", "crm");
    private static final String RING = EmbeddedDatabase.randomRing("k1", "k2");

    private DataSource dataSource;

    @BeforeEach
    void emptyTables() {
        dataSource = EmbeddedDatabase.shared();
        EmbeddedDatabase.truncate(dataSource);
    }

    private JdbcConnections vault(String activeKey) {
        return EmbeddedDatabase.vault(RING, activeKey);
    }

    @Test
    void aSelectOfEveryColumnShowsNoSecretAndNoToken() throws Exception {
        String clientSecret = "client-secret-PLAINTEXT-41";
        String refreshToken = "refresh-token-PLAINTEXT-42";
        String rotated = "rotated-refresh-token-PLAINTEXT-43";
        String accessToken = "access-token-PLAINTEXT-44";
        JdbcConnections vault = vault("k1");
        vault.save(aConnection().withKey(ACME).withClientSecret(clientSecret).withRefreshToken(refreshToken).build());
        vault.save(aConnection().withKey(GLOBEX).withClientSecret(clientSecret).withRefreshToken(refreshToken)
                .build());
        assertTrue(vault.saveRotation(ACME, Secret.of(rotated), Optional.empty(), 1));
        try (JdbcRefreshLog log = EmbeddedDatabase.refreshLog("i-1", RefreshLogWriter.Settings.defaults(),
                RefreshLogWriter.daemonThread())) {
            Instant now = Instant.parse("2030-01-01T00:00:00Z");
            // The service never puts a token into a message; this row shows the table has no column that would.
            log.record(new RefreshAttempt(ACME, Trigger.REQUEST, Outcome.FAILURE, now, now.plusMillis(5), 1,
                    OptionalInt.of(400), Optional.of("invalid_grant"), Optional.of("token endpoint answered 400"),
                    1));
            assertTrue(log.flush(Duration.ofSeconds(30)));
        }

        String dump = dumpOfEveryColumn("connections") + dumpOfEveryColumn("refresh_log");

        assertTrue(dump.contains("client-1"), "the dump really holds the rows");
        for (String secret : List.of(clientSecret, refreshToken, rotated, accessToken)) {
            assertFalse(dump.contains(secret), "plaintext in the dump");
            assertFalse(dump.contains(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8))),
                    "plaintext bytes in a bytea column");
        }
    }

    @Test
    void aCiphertextCopiedToAnotherTenantsRowFailsWithATypedError() throws Exception {
        JdbcConnections vault = vault("k1");
        vault.save(aConnection().withKey(ACME).withClientSecret("acme-secret").withRefreshToken("acme-rt").build());
        vault.save(aConnection().withKey(GLOBEX).withClientSecret("globex-secret").withRefreshToken("globex-rt")
                .build());

        execute("""
                UPDATE connections SET refresh_token = (SELECT refresh_token FROM connections WHERE tenant = 'acme')
                 WHERE tenant = 'globex'""");

        UndecryptableSecretException failure = assertThrows(UndecryptableSecretException.class,
                () -> vault.find(GLOBEX));
        assertFalse(failure.getMessage().contains("acme-rt"));
        assertEquals("acme-rt", vault.find(ACME).orElseThrow().refreshToken().orElseThrow().reveal(),
                "the source row is untouched");
    }

    @Test
    void aCiphertextMovedToTheOtherFieldOfItsRowFails() throws Exception {
        JdbcConnections vault = vault("k1");
        vault.save(aConnection().withKey(ACME).withClientSecret("acme-secret").withRefreshToken("acme-rt").build());

        execute("UPDATE connections SET client_secret = refresh_token");

        assertThrows(UndecryptableSecretException.class, () -> vault.find(ACME));
    }

    @Test
    void aTamperedCiphertextFails() throws Exception {
        JdbcConnections vault = vault("k1");
        vault.save(aConnection().withKey(ACME).withRefreshToken("acme-rt").build());

        // Flip one bit in the middle of the ciphertext.
        execute("""
                UPDATE connections
                   SET refresh_token = set_bit(refresh_token, length(refresh_token) * 4,
                                               1 - get_bit(refresh_token, length(refresh_token) * 4))""");

        assertThrows(UndecryptableSecretException.class, () -> vault.find(ACME));
        execute("UPDATE connections SET refresh_token = substring(refresh_token FROM 1 FOR 20)");
        assertThrows(UndecryptableSecretException.class, () -> vault.find(ACME), "truncated");
    }

    @Test
    void aKeyMissingFromTheRingFailsWithATypedError() {
        String onlyNewKey = EmbeddedDatabase.randomRing("k9");
        vault("k1").save(aConnection().withKey(ACME).withRefreshToken("acme-rt").build());

        JdbcConnections withoutK1 = EmbeddedDatabase.vault(onlyNewKey, "k9");

        assertThrows(UndecryptableSecretException.class, () -> withoutK1.find(ACME));
    }

    @Test
    void reEncryptionMovesEveryRowToTheActiveKeyWhileOldKeyRowsStillRead() throws Exception {
        JdbcConnections old = vault("k1");
        List<Connection> saved = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            var builder = aConnection().withKey("tenant-" + i, "crm").withClientSecret("secret-" + i);
            Connection connection = (i % 5 == 0 ? builder : builder.withRefreshToken("rt-" + i)).build();
            old.save(connection);
            saved.add(connection);
        }
        assertEquals(List.of("k1"), keyIdsInUse());

        JdbcConnections rotated = vault("k2");
        // During the move: rows already on k2 and rows still on k1 both read.
        rotated.save(saved.get(3));
        assertEquals(List.of("k1", "k2"), keyIdsInUse());
        for (Connection connection : saved) {
            assertEquals(Optional.of(connection), rotated.find(connection.key()));
        }

        OnlineReEncryption.Result result = reEncryption("k2").reEncrypt();

        assertEquals(new OnlineReEncryption.Result(24, 0), result);
        assertEquals(List.of("k2"), keyIdsInUse());
        JdbcConnections onlyK2 = EmbeddedDatabase.vault(RING.substring(RING.indexOf(",k2:") + 1), "k2");
        for (Connection connection : saved) {
            assertEquals(Optional.of(connection), onlyK2.find(connection.key()), "readable without k1");
        }
        assertEquals(new OnlineReEncryption.Result(0, 0), reEncryption("k2").reEncrypt(), "nothing left to move");
    }

    @SuppressWarnings("unchecked")
    private OnlineReEncryption reEncryption(String activeKey) {
        return new OnlineReEncryption(EmbeddedDatabase.bean(ConnectionRepository.class),
                EmbeddedDatabase.cipher(RING, activeKey), Clock.systemUTC(),
                EmbeddedDatabase.bean(TransactionOperations.class));
    }

    private List<String> keyIdsInUse() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (var db = dataSource.getConnection(); PreparedStatement select = db.prepareStatement("""
                SELECT DISTINCT id FROM (SELECT client_secret_key_id AS id FROM connections
                                          UNION SELECT refresh_token_key_id FROM connections) ids
                 WHERE id IS NOT NULL ORDER BY id""");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /** Every column of every row as PostgreSQL prints it: what pg_dump would write (bytea as hex). */
    private String dumpOfEveryColumn(String table) throws SQLException {
        StringBuilder dump = new StringBuilder();
        try (var db = dataSource.getConnection(); Statement select = db.createStatement();
             ResultSet rows = select.executeQuery("SELECT * FROM " + table)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int column = 1; column <= columns; column++) {
                    dump.append(rows.getString(column)).append('|');
                }
                dump.append('\n');
            }
        }
        return dump.toString();
    }

    private void execute(String sql) {
        EmbeddedDatabase.execute(dataSource, sql);
    }
}
