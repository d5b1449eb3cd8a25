package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.RemoveConnection;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.Connection;

/**
 * Registering, reading and removing connections. One service for the three because they share one invariant: a
 * cached token never outlives the credentials it was issued for.
 */
public final class ConnectionService implements SaveConnection, FindConnection, RemoveConnection {

    private final Connections connections;
    private final TokenStore tokens;
    private final Reauthorisations reauthorisations;

    public ConnectionService(Connections connections, TokenStore tokens, Reauthorisations reauthorisations) {
        this.connections = connections;
        this.tokens = tokens;
        this.reauthorisations = reauthorisations;
    }

    @Override
    public boolean save(SaveConnection.Command command) {
        boolean created = connections.save(command.connection());
        if (!created) {
            tokens.delete(command.connection().key());
        }
        // New credentials are the way out of a refused grant.
        reauthorisations.clear(command.connection().key());
        return created;
    }

    @Override
    public Connection find(FindConnection.Query query) {
        return connections.find(query.key()).orElseThrow(() -> new ConnectionNotFoundException(query.key()));
    }

    @Override
    public void remove(RemoveConnection.Command command) {
        if (!connections.remove(command.key())) {
            throw new ConnectionNotFoundException(command.key());
        }
        tokens.delete(command.key());
        reauthorisations.clear(command.key());
    }
}
