package io.tokenbroker.application.contract;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.connection.TenantId;
import io.tokenbroker.domain.egress.SavedBy;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Connections} must do. An adapter test extends this class and returns an adapter over empty
 * storage from {@link #newConnections}.
 */
public abstract class ConnectionsContract {

    protected static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    protected static final ConnectionKey UNKNOWN = ConnectionKey.of("acme", "nowhere");
    protected static final Optional<Instant> NO_EXPIRY = Optional.empty();

    private Connections connections;

    /** An adapter over empty storage: no connection is registered. */
    protected abstract Connections newConnections();

    @BeforeEach
    void createConnections() {
        connections = newConnections();
    }

    private Optional<Secret> refreshTokenOf(ConnectionKey key) {
        return connections.find(key).orElseThrow(() -> new AssertionError("no connection " + key)).refreshToken();
    }

    @Test
    void findOnAnUnknownConnectionIsEmpty() {
        assertEquals(Optional.empty(), connections.find(UNKNOWN));
    }

    @Test
    void saveCreatesAndFindReturnsTheSavedConnection() {
        Connection connection = aConnection().withKey(KEY).withRefreshToken("rt-0").build();

        assertTrue(connections.save(connection), "created");

        assertEquals(Optional.of(connection), connections.find(KEY));
    }

    @Test
    void saveReplacesAnExistingConnection() {
        connections.save(aConnection().withKey(KEY).withClientId("client-old").build());
        Connection replacement = aConnection().withKey(KEY).withClientId("client-new").withScopes("read", "write")
                .withAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST).build();

        assertFalse(connections.save(replacement), "replaced, not created");

        assertEquals(Optional.of(replacement), connections.find(KEY));
    }

    @Test
    void removeRemovesOnce() {
        connections.save(aConnection().withKey(KEY).build());

        assertTrue(connections.remove(KEY));
        assertEquals(Optional.empty(), connections.find(KEY));
        assertFalse(connections.remove(KEY), "nothing left to remove");
    }

    @Test
    void removeOnAnUnknownConnectionRemovesNothing() {
        assertFalse(connections.remove(UNKNOWN));
    }

    @Test
    void saveRotationWritesTheRefreshToken() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());

        assertTrue(connections.saveRotation(KEY, Secret.of("rt-1"), NO_EXPIRY, 1));

        assertEquals(Optional.of(Secret.of("rt-1")), refreshTokenOf(KEY));
    }

    @Test
    void saveRotationKeepsTheRestOfTheConnection() {
        Connection saved = aConnection().withKey(KEY).withRefreshToken("rt-0").withScopes("read", "write").build();
        connections.save(saved);

        connections.saveRotation(KEY, Secret.of("rt-1"), Optional.of(Instant.parse("2030-02-01T00:00:00Z")), 1);

        assertEquals(Optional.of(saved.withRefreshToken(Secret.of("rt-1"))), connections.find(KEY));
    }

    @Test
    void saveRotationWithAnEqualOrLowerFenceIsRefusedAndKeepsTheNewerToken() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        assertTrue(connections.saveRotation(KEY, Secret.of("rt-5"), NO_EXPIRY, 5));

        assertFalse(connections.saveRotation(KEY, Secret.of("rt-5-again"), NO_EXPIRY, 5), "equal fence");
        assertFalse(connections.saveRotation(KEY, Secret.of("rt-4"), NO_EXPIRY, 4), "lower fence");

        assertEquals(Optional.of(Secret.of("rt-5")), refreshTokenOf(KEY));
        assertTrue(connections.saveRotation(KEY, Secret.of("rt-6"), NO_EXPIRY, 6), "a higher fence still writes");
        assertEquals(Optional.of(Secret.of("rt-6")), refreshTokenOf(KEY));
    }

    @Test
    void saveRotationOnAnUnknownConnectionIsRefused() {
        assertFalse(connections.saveRotation(UNKNOWN, Secret.of("rt-1"), NO_EXPIRY, 1));
        assertEquals(Optional.empty(), connections.find(UNKNOWN), "a rotation does not create a connection");
    }

    @Test
    void replacingAConnectionDoesNotResetItsFence() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        assertTrue(connections.saveRotation(KEY, Secret.of("rt-5"), NO_EXPIRY, 5));
        Connection replacement = aConnection().withKey(KEY).withRefreshToken("rt-admin").build();
        connections.save(replacement);

        assertFalse(connections.saveRotation(KEY, Secret.of("rt-3"), NO_EXPIRY, 3),
                "a lease older than the last rotation must not write after a replace");

        assertEquals(Optional.of(replacement), connections.find(KEY));
    }

    @Test
    void highestFenceIsZeroUntilARotationIsStored() {
        assertEquals(0, connections.highestFence(UNKNOWN));
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());

        assertEquals(0, connections.highestFence(KEY));
    }

    @Test
    void highestFenceFollowsStoredRotationsAndIgnoresRefusedOnes() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        connections.saveRotation(KEY, Secret.of("rt-7"), NO_EXPIRY, 7);
        connections.saveRotation(KEY, Secret.of("rt-3"), NO_EXPIRY, 3);

        assertEquals(7, connections.highestFence(KEY));
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-admin").build());
        assertEquals(7, connections.highestFence(KEY), "a replace keeps the fence");
    }

    @Test
    void keysAreIndependent() {
        ConnectionKey a = ConnectionKey.of("a", "crm");
        ConnectionKey b = ConnectionKey.of("b", "crm");
        Connection connectionA = aConnection().withKey(a).withRefreshToken("rt-a").build();
        Connection connectionB = aConnection().withKey(b).withRefreshToken("rt-b").build();
        connections.save(connectionA);
        connections.save(connectionB);

        assertTrue(connections.saveRotation(a, Secret.of("rt-a-7"), NO_EXPIRY, 7));
        assertTrue(connections.saveRotation(b, Secret.of("rt-b-1"), NO_EXPIRY, 1), "fences are per connection");
        assertTrue(connections.remove(a));

        assertEquals(Optional.empty(), connections.find(a));
        assertEquals(Optional.of(connectionB.withRefreshToken(Secret.of("rt-b-1"))), connections.find(b));
    }

    @Test
    void whoSavedAConnectionSurvivesARoundTripAndAReplacement() {
        connections.save(aConnection().withKey(KEY).savedBy(SavedBy.TENANT).build());
        assertEquals(SavedBy.TENANT, connections.find(KEY).orElseThrow().savedBy());

        connections.save(aConnection().withKey(KEY).savedBy(SavedBy.OPERATOR).build());
        assertEquals(SavedBy.OPERATOR, connections.find(KEY).orElseThrow().savedBy());

        connections.saveRotation(KEY, Secret.of("rt-1"), NO_EXPIRY, 1);
        assertEquals(SavedBy.OPERATOR, connections.find(KEY).orElseThrow().savedBy(), "a rotation keeps it");
    }

    @Test
    void secretsSurviveARoundTrip() {
        String clientSecret = "s3cr3t/+=%' \"quoted\" \\ äöü 🔑 " + "x".repeat(300);
        String refreshToken = "rt.eyJhbGciOiJIUzI1NiJ9.e30.sig-_~+/=";
        Connection connection = aConnection().withKey(KEY).withClientSecret(clientSecret)
                .withRefreshToken(refreshToken).build();
        connections.save(connection);

        Connection found = connections.find(KEY).orElseThrow();

        assertEquals(connection, found);
        assertEquals(clientSecret, found.clientSecret().orElseThrow().reveal());
        assertEquals(refreshToken, found.refreshToken().orElseThrow().reveal());

        String rotated = "rotated 🔄 " + "y".repeat(300);
        connections.saveRotation(KEY, Secret.of(rotated), NO_EXPIRY, 1);
        assertEquals(rotated, refreshTokenOf(KEY).orElseThrow().reveal());
    }

    @Test
    void listWalksEveryConnectionInTenantThenNameOrderPageByPage() {
        for (String tenant : List.of("beta", "acme")) {
            for (String name : List.of("zeta", "crm", "b-2", "b")) {
                connections.save(aConnection().withKey(ConnectionKey.of(tenant, name)).build());
            }
        }

        List<ConnectionKey> first = connections.list(Optional.empty(), Optional.empty(), 3);
        List<ConnectionKey> second = connections.list(Optional.empty(), Optional.of(first.get(2)), 3);
        List<ConnectionKey> third = connections.list(Optional.empty(), Optional.of(second.get(2)), 3);

        assertEquals(List.of(ConnectionKey.of("acme", "b"), ConnectionKey.of("acme", "b-2"),
                ConnectionKey.of("acme", "crm")), first);
        assertEquals(List.of(ConnectionKey.of("acme", "zeta"), ConnectionKey.of("beta", "b"),
                ConnectionKey.of("beta", "b-2")), second);
        assertEquals(List.of(ConnectionKey.of("beta", "crm"), ConnectionKey.of("beta", "zeta")), third);
        assertEquals(List.of(), connections.list(Optional.empty(), Optional.of(third.get(1)), 3));
    }

    @Test
    void listShowsOnlyTheGivenTenants() {
        connections.save(aConnection().withKey(ConnectionKey.of("acme", "crm")).build());
        connections.save(aConnection().withKey(ConnectionKey.of("beta", "crm")).build());
        connections.save(aConnection().withKey(ConnectionKey.of("gamma", "crm")).build());

        assertEquals(List.of(ConnectionKey.of("acme", "crm"), ConnectionKey.of("gamma", "crm")),
                connections.list(Optional.of(Set.of(TenantId.of("gamma"), TenantId.of("acme"))), Optional.empty(),
                        10));
        assertEquals(List.of(), connections.list(Optional.of(Set.of()), Optional.empty(), 10));
    }

    @Test
    void listLeavesRemovedConnectionsOut() {
        connections.save(aConnection().withKey(KEY).build());
        connections.remove(KEY);

        assertEquals(List.of(), connections.list(Optional.empty(), Optional.empty(), 10));
    }

    @Test
    void theRefreshTokenExpiryIsTheLastRotationsAndASaveForgetsIt() {
        Instant expiry = Instant.parse("2030-06-01T00:00:00Z");
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        assertEquals(Optional.empty(), connections.refreshTokenExpiresAt(KEY), "a saved token has no known expiry");

        connections.saveRotation(KEY, Secret.of("rt-1"), Optional.of(expiry), 1);
        assertEquals(Optional.of(expiry), connections.refreshTokenExpiresAt(KEY));

        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-new").build());
        assertEquals(Optional.empty(), connections.refreshTokenExpiresAt(KEY));
        assertEquals(Optional.empty(), connections.refreshTokenExpiresAt(UNKNOWN));
    }

    @Test
    void theReconnectWarningMarkIsACompareAndSetThatARotationKeepsAndASaveDrops() {
        Instant expiry = Instant.parse("2030-06-01T00:00:00.123456Z");
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        assertEquals(Optional.empty(), connections.reconnectWarned(KEY));

        assertTrue(connections.markReconnectWarned(KEY, Optional.empty(), expiry));
        assertFalse(connections.markReconnectWarned(KEY, Optional.empty(), expiry), "another instance was first");
        assertEquals(Optional.of(expiry), connections.reconnectWarned(KEY));

        connections.saveRotation(KEY, Secret.of("rt-1"), Optional.of(expiry), 1);
        assertEquals(Optional.of(expiry), connections.reconnectWarned(KEY), "a rotation keeps the mark");
        Instant later = expiry.plusSeconds(86_400 * 100L);
        assertTrue(connections.markReconnectWarned(KEY, Optional.of(expiry), later));
        assertEquals(Optional.of(later), connections.reconnectWarned(KEY));

        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-new").build());
        assertEquals(Optional.empty(), connections.reconnectWarned(KEY), "a save drops it");
        assertFalse(connections.markReconnectWarned(UNKNOWN, Optional.empty(), expiry));
        assertEquals(Optional.empty(), connections.reconnectWarned(UNKNOWN));
    }
}
