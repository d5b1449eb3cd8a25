package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.RemoveConnection;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.application.port.in.UpstreamNotAllowedException;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.OutboundTargets;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Grant;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registering, reading and removing connections. One service for the three because they share one invariant: a
 * cached token never outlives the credentials it was issued for.
 */
public final class ConnectionService implements SaveConnection, FindConnection, RemoveConnection {

    /** The request field that overrides a provider's authorize endpoint: a refusal of the built-in one names it. */
    private static final String AUTHORIZATION_URL = "authorization_url";


    private final Connections connections;
    private final TokenStore tokens;
    private final Reauthorisations reauthorisations;
    private final ConnectionEvents events;
    private final OutboundTargets outboundTargets;
    private final Clock clock;

    public ConnectionService(Connections connections, TokenStore tokens, Reauthorisations reauthorisations,
                             ConnectionEvents events, OutboundTargets outboundTargets, Clock clock) {
        this.connections = connections;
        this.tokens = tokens;
        this.reauthorisations = reauthorisations;
        this.events = events;
        this.outboundTargets = outboundTargets;
        this.clock = clock;
    }

    /** @throws UpstreamNotAllowedException naming the first URL the egress policy refuses to the saving key */
    @Override
    public boolean save(SaveConnection.Command command) {
        Connection connection = command.connection();
        Map<String, URI> urls = new LinkedHashMap<>(connection.outboundUrls());
        // Where users are sent is checked whether it was given (then it is among the outbound URLs) or is the
        // provider's own, as a built-in token endpoint is: a fixed name may still resolve to a private address here.
        connection.authorizationUrl().ifPresent(url -> urls.putIfAbsent(AUTHORIZATION_URL, url));
        for (Map.Entry<String, URI> url : urls.entrySet()) {
            outboundTargets.checkAtSave(url.getValue(), connection.savedBy()).ifPresent(refusal -> {
                throw new UpstreamNotAllowedException(url.getKey(), refusal);
            });
        }
        return StoreOutages.translated(() -> {
            ConnectionKey key = connection.key();
            // Read only when a consent could be kept: a stored row that no longer opens must not block its repair.
            Connection saving = !connection.awaitsConnect() ? connection
                    : connections.find(key).map(connection::keepingConsentOf).orElse(connection);
            boolean created = connections.save(saving);
            if (!created) {
                tokens.delete(key);
            }
            // New credentials are the way out of a refused grant; a consent grant only leaves it with a new
            // refresh token (saved, or from a completed connect), not with a rotated client secret.
            boolean newGrant = connection.grant() == Grant.CLIENT_CREDENTIALS || connection.refreshToken().isPresent();
            if (newGrant && reauthorisations.find(key).isPresent()) {
                reauthorisations.clear(key);
                events.publish(new ConnectionEvent(key, ConnectionEvent.Type.REAUTHORIZED, clock.instant(),
                        "saved with new credentials"));
            }
            return created;
        });
    }

    @Override
    public Found find(FindConnection.Query query) {
        return StoreOutages.translated(() -> {
            Connection connection = connections.find(query.key())
                    .orElseThrow(() -> new ConnectionNotFoundException(query.key()));
            return new Found(connection, reauthorisations.find(query.key()).map(Reauthorisations.Needed::since));
        });
    }

    @Override
    public void remove(RemoveConnection.Command command) {
        StoreOutages.translated(() -> {
            if (!connections.remove(command.key())) {
                throw new ConnectionNotFoundException(command.key());
            }
            tokens.delete(command.key());
            reauthorisations.clear(command.key());
        });
    }
}
