package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.bootstrap.ReEncryptCommand;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operator's key rotation: {@code re-encrypt} with the broker's own configuration. */
class ReEncryptCommandTest {

    @Test
    void reEncryptMovesEveryRowToTheActiveKeyAndTheOldKeyCanThenGo() {
        EmbeddedPostgres server = TestDatabase.shared();
        String k1 = TestDatabase.randomRing("k1");
        String k2 = TestDatabase.randomRing("k2");
        ConnectionKey key = ConnectionKey.of("acme", "rotate-me");
        Connection connection = new Connection(key, ProviderType.OAUTH2, URI.create("https://idp.example/token"),
                Optional.of("client"), Optional.of(Secret.of("client-secret")), List.of("read"),
                ClientAuthMethod.CLIENT_SECRET_POST, Optional.of(Secret.of("refresh-token")), Map.of());
        try (ApplicationContext withK1 = TestDatabase.broker(TestDatabase.jdbcUrl(server), k1, Map.of())) {
            TestDatabase.execute(server.getPostgresDatabase(), "DELETE FROM connections");
            withK1.getBean(JdbcConnections.class).save(connection);
        }

        int status = ReEncryptCommand.run(Map.of(
                "datasources.default.url", TestDatabase.jdbcUrl(server),
                "tokenbroker.encryption.keys", k1 + "," + k2,
                "tokenbroker.encryption.active-key", "k2"));

        assertEquals(0, status);
        try (ApplicationContext withoutK1 = TestDatabase.broker(TestDatabase.jdbcUrl(server), k2, Map.of())) {
            assertEquals(Optional.of(connection), withoutK1.getBean(JdbcConnections.class).find(key));
        }
    }
}
