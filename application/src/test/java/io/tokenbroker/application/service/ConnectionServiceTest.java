package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.RemoveConnection;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.application.port.in.UpstreamNotAllowedException;
import io.tokenbroker.application.port.out.OutboundTargets;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import io.tokenbroker.domain.token.AccessToken;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionServiceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final ConnectionKey UNKNOWN = ConnectionKey.of("acme", "nowhere");
    private static final EgressRefusal PRIVATE = new EgressRefusal(EgressRefusal.Reason.PRIVATE_ADDRESS, "private");

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryReauthorisations reauthorisations = new InMemoryReauthorisations();
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(10);
    /** Refuses what a tenant names at 10.0.0.0/8, as the egress guard would; lets everything else pass. */
    private final OutboundTargets outboundTargets = (url, savedBy) -> savedBy == SavedBy.TENANT
            && url.getHost().startsWith("10.") ? Optional.of(PRIVATE) : Optional.empty();
    private final ConnectionService service = new ConnectionService(connections, tokens,
            reauthorisations, events, outboundTargets, clock);

    private boolean save(Connection connection) {
        return service.save(new SaveConnection.Command(connection));
    }

    private AccessToken cacheAToken() {
        AccessToken token = aToken(clock, Duration.ofHours(1));
        tokens.put(KEY, token, Duration.ofMinutes(50), 1);
        return token;
    }

    @Test
    void savingANewConnectionCreatesIt() {
        Connection connection = aConnection().withKey(KEY).build();

        assertTrue(save(connection));

        assertEquals(connection, service.find(new FindConnection.Query(KEY)).connection());
    }

    @Test
    void theConnectionRemembersWhichKindOfKeySavedIt() {
        service.save(SaveConnection.Command.by(SavedBy.TENANT, aConnection().withKey(KEY).build()));

        assertEquals(SavedBy.TENANT, service.find(new FindConnection.Query(KEY)).connection().savedBy());
    }

    @Test
    void aRefusedUrlIsNamedByItsFieldAndNothingIsStored() {
        Connection internal = aConnection().withKey(KEY).withTokenUrl("http://10.0.0.7/token").build();

        var refused = assertThrows(UpstreamNotAllowedException.class,
                () -> service.save(SaveConnection.Command.by(SavedBy.TENANT, internal)));

        assertEquals("token_url", refused.field());
        assertEquals(Optional.empty(), connections.find(KEY));
        assertTrue(save(internal), "an operator may name the same URL");
    }

    @Test
    void aRefusalNamesTheSettingTheTokenUrlWasBuiltFrom() {
        Connection internal = aConnection().withKey(KEY).withProvider(ProviderType.AUTH_SERVICE)
                .withTokenUrl("http://10.0.0.7/token").withSettings(Map.of("url", "http://10.0.0.7/token")).build();

        var refused = assertThrows(UpstreamNotAllowedException.class,
                () -> service.save(SaveConnection.Command.by(SavedBy.TENANT, internal)));

        assertEquals("url", refused.field());
    }

    @Test
    void aProvidersOwnAuthorizeEndpointIsCheckedLikeAGivenOne() {
        // As if Intuit's authorize host resolved to a private address where the broker runs.
        OutboundTargets privateIntuit = (url, savedBy) -> savedBy == SavedBy.TENANT
                && url.getHost().equals("appcenter.intuit.com") ? Optional.of(PRIVATE) : Optional.empty();
        ConnectionService checking = new ConnectionService(connections, tokens, reauthorisations, events,
                privateIntuit, clock);
        Connection quickbooks = aConnection().withKey(KEY).withProvider(ProviderType.QUICKBOOKS)
                .withTokenUrl("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer").build();
        assertEquals(Optional.of(URI.create("https://appcenter.intuit.com/connect/oauth2")),
                quickbooks.authorizationUrl(), "built in, not given");

        var refused = assertThrows(UpstreamNotAllowedException.class,
                () -> checking.save(SaveConnection.Command.by(SavedBy.TENANT, quickbooks)));

        assertEquals("authorization_url", refused.field());
        assertEquals(Optional.empty(), connections.find(KEY));
        assertTrue(checking.save(SaveConnection.Command.by(SavedBy.OPERATOR, quickbooks)),
                "an operator may use it, as with any private address");
    }

    @Test
    void replacingAConnectionDropsItsCachedToken() {
        save(aConnection().withKey(KEY).withClientSecret("secret-old").build());
        cacheAToken();
        Connection replacement = aConnection().withKey(KEY).withClientSecret("secret-new").build();

        assertFalse(save(replacement));

        assertEquals(Optional.empty(), tokens.find(KEY), "a token issued for the old credentials is gone");
        assertEquals(replacement, service.find(new FindConnection.Query(KEY)).connection());
    }

    @Test
    void savingAnotherConnectionLeavesThisOnesTokenCached() {
        save(aConnection().withKey(KEY).build());
        AccessToken token = cacheAToken();

        save(aConnection().withKey(ConnectionKey.of("acme", "erp")).build());

        assertEquals(Optional.of(token), tokens.find(KEY));
    }

    @Test
    void findingAnUnknownConnectionIsNotFound() {
        ConnectionNotFoundException notFound = assertThrows(ConnectionNotFoundException.class,
                () -> service.find(new FindConnection.Query(UNKNOWN)));

        assertEquals(UNKNOWN, notFound.key());
    }

    @Test
    void removingAConnectionDropsItAndItsCachedToken() {
        save(aConnection().withKey(KEY).build());
        cacheAToken();

        service.remove(new RemoveConnection.Command(KEY));

        assertEquals(Optional.empty(), connections.find(KEY));
        assertEquals(Optional.empty(), tokens.find(KEY));
        assertThrows(ConnectionNotFoundException.class, () -> service.find(new FindConnection.Query(KEY)).connection());
    }

    @Test
    void removingAnUnknownConnectionIsNotFound() {
        ConnectionNotFoundException notFound = assertThrows(ConnectionNotFoundException.class,
                () -> service.remove(new RemoveConnection.Command(UNKNOWN)));

        assertEquals(UNKNOWN, notFound.key());
    }
}
