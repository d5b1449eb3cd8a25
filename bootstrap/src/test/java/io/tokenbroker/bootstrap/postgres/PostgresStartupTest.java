package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.JdbcReauthorisations;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which adapters a start picks, and that a PostgreSQL start refuses to run without a usable key. */
class PostgresStartupTest {

    private static Map<String, Object> withDatasource() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", TestDatabase.jdbcUrl(TestDatabase.shared()));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        return properties;
    }

    @Test
    void aDatasourcePicksTheJdbcAdaptersWhichCarryRotationsAndTheAuditTrail() throws Exception {
        Map<String, Object> properties = withDatasource();
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        properties.put("tokenbroker.postgres.instance-id", "wired-test");
        ConnectionKey key = ConnectionKey.of("wired", "crm");
        try (ApplicationContext context = ApplicationContext.run(properties);
             SandboxUpstream upstream = SandboxUpstream.start(0, "wired-client", "wired-secret",
                     Duration.ofHours(1))) {
            JdbcConnections vault = assertInstanceOf(JdbcConnections.class, context.getBean(Connections.class));
            RefreshLog log = assertInstanceOf(JdbcRefreshLog.class, context.getBean(RefreshLog.class));
            assertInstanceOf(io.tokenbroker.adapters.postgres.JdbcApiKeys.class,
                    context.getBean(io.tokenbroker.application.port.out.ApiKeys.class));
            String initial = upstream.issueRefreshToken();
            context.getBean(SaveConnection.class).save(new SaveConnection.Command(
                    Brokers.connection(key, upstream, "wired-client", "wired-secret", initial)));
            long fenceBefore = vault.highestFence(key);

            context.getBean(GetAccessToken.class).get(new GetAccessToken.Query(key));
            context.getBean(InvalidateToken.class).invalidate(new InvalidateToken.Command(key, Optional.empty()));
            context.getBean(GetAccessToken.class).get(new GetAccessToken.Query(key));

            assertEquals(2, upstream.tokenRequests(), "both refreshes accepted: each used the rotated token");
            assertEquals(fenceBefore + 2, vault.highestFence(key), "two fenced rotations stored");
            assertNotEquals(Secret.of(initial), vault.find(key).orElseThrow().refreshToken().orElseThrow());
            assertEquals(2, log.totals(key).successes());
        }
    }

    @Test
    void oneInstancesInvalidGrantIsEveryInstancesReauthorisationMark() throws Exception {
        Map<String, Object> properties = withDatasource();
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        ConnectionKey key = ConnectionKey.of("shared-mark", "crm");
        try (ApplicationContext first = ApplicationContext.run(properties);
             ApplicationContext second = ApplicationContext.run(properties);
             SandboxUpstream upstream = SandboxUpstream.start(0, "mark-client", "mark-secret",
                     Duration.ofHours(1))) {
            assertInstanceOf(JdbcReauthorisations.class, first.getBean(Reauthorisations.class));
            upstream.issueRefreshToken(); // the sandbox now checks refresh tokens; this one it never issued
            first.getBean(SaveConnection.class).save(new SaveConnection.Command(
                    Brokers.connection(key, upstream, "mark-client", "mark-secret", "rt-never-issued")));

            assertThrows(UpstreamFailedException.Rejected.class,
                    () -> first.getBean(GetAccessToken.class).get(new GetAccessToken.Query(key)));
            assertThrows(ReauthorisationNeededException.class,
                    () -> second.getBean(GetAccessToken.class).get(new GetAccessToken.Query(key)));

            assertEquals(1, upstream.tokenRequests(), "the other instance did not try the refused grant again");
            second.getBean(SaveConnection.class).save(new SaveConnection.Command(
                    Brokers.connection(key, upstream, "mark-client", "mark-secret", upstream.issueRefreshToken())));
            first.getBean(GetAccessToken.class).get(new GetAccessToken.Query(key));
            assertEquals(2, upstream.tokenRequests(), "saved again on one instance: cleared for all");
        }
    }

    @Test
    void withoutADatasourceTheInMemoryAdaptersStayAndNoKeyIsNeeded() {
        try (ApplicationContext context = ApplicationContext.run()) {
            assertInstanceOf(InMemoryConnections.class, context.getBean(Connections.class));
            assertFalse(context.containsBean(JdbcConnections.class));
        }
    }

    @Test
    void aMissingKeyStopsTheStart() {
        Exception refused = assertThrows(Exception.class, () -> ApplicationContext.run(withDatasource()).close());

        assertTrue(causes(refused).contains("TOKENBROKER_ENCRYPTION_KEYS is not set"), causes(refused));
    }

    @Test
    void aShortKeyStopsTheStartWithoutShowingIt() {
        String shortKey = Base64.getEncoder().encodeToString("only-sixteen-byt".getBytes());
        Map<String, Object> properties = withDatasource();
        properties.put("tokenbroker.encryption.keys", "k1:" + shortKey);

        Exception refused = assertThrows(Exception.class, () -> ApplicationContext.run(properties).close());

        assertTrue(causes(refused).contains("shorter than 32 bytes"), causes(refused));
        assertFalse(causes(refused).contains(shortKey));
    }

    private static String causes(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
