package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;

/** Drops the cached token: only the reported one when a token is given, whatever is cached otherwise. */
public final class InvalidateTokenService implements InvalidateToken {

    private final TokenStore tokens;
    private final Connections connections;

    public InvalidateTokenService(TokenStore tokens, Connections connections) {
        this.tokens = tokens;
        this.connections = connections;
    }

    @Override
    public void invalidate(Command command) {
        StoreOutages.translated(() -> {
            if (connections.find(command.key()).isEmpty()) {
                throw new ConnectionNotFoundException(command.key());
            }
            command.rejectedToken().ifPresentOrElse(
                    token -> tokens.deleteIf(command.key(), Fingerprint.of(token)),
                    () -> tokens.delete(command.key()));
        });
    }
}
