package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectRefusedException;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.CreateConnectLink;
import io.tokenbroker.application.port.in.StartConsent;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.domain.connect.AuthorizeRedirect;
import io.tokenbroker.domain.connect.ConnectLink;
import io.tokenbroker.domain.connect.Handle;
import io.tokenbroker.domain.connect.PendingConsent;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Grant;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Connect links and the authorizations they start. Every random value (link, state, browser binding, PKCE verifier)
 * comes from the injected source, which must be a cryptographically strong one outside tests.
 */
public final class ConnectLinkService implements CreateConnectLink, StartConsent {

    private final Connections connections;
    private final ConnectAttempts attempts;
    private final ConnectSettings settings;
    private final RandomGenerator random;
    private final Clock clock;

    public ConnectLinkService(Connections connections, ConnectAttempts attempts, ConnectSettings settings,
                              RandomGenerator random, Clock clock) {
        this.connections = connections;
        this.attempts = attempts;
        this.settings = settings;
        this.random = random;
        this.clock = clock;
    }

    @Override
    public Created create(CreateConnectLink.Command command) {
        Optional<URI> returnUrl = command.returnUrl().map(url -> settings.returnUrls().admit(url)
                .orElseThrow(ConnectRefusedException::returnUrlNotAllowed));
        return StoreOutages.translated(() -> {
            Connection connection = connections.find(command.key())
                    .orElseThrow(() -> new ConnectionNotFoundException(command.key()));
            requireConsentGrant(connection);
            List<String> scopes = command.scopes().filter(asked -> !asked.isEmpty()).orElse(connection.scopes());
            Handle link = Handle.random(random);
            Instant expiresAt = clock.instant().plus(command.expiresIn());
            attempts.saveLink(link.digest(), new ConnectLink(command.key(), returnUrl, scopes, expiresAt, false));
            return new Created(link, expiresAt);
        });
    }

    private static void requireConsentGrant(Connection connection) {
        if (!connection.provider().supportsConnect()) {
            throw ConnectRefusedException.notSupported("Provider " + connection.provider().wireName()
                    + " has no user consent flow: connect links are for oauth2, quickbooks, genesys and ebay.");
        }
        if (connection.grant() != Grant.AUTHORIZATION_CODE) {
            throw ConnectRefusedException.notSupported("The connection uses grant client_credentials: save it with "
                    + "\"grant\": \"authorization_code\" and its authorization_url to connect a user.");
        }
    }

    @Override
    public Outcome start(String presentedLink) {
        Optional<Handle> link = Handle.presented(presentedLink);
        if (link.isEmpty()) {
            return new Refused(Reason.UNKNOWN);
        }
        return StoreOutages.translated(() -> {
            Optional<ConnectLink> found = attempts.findLink(link.get().digest());
            if (found.isEmpty()) {
                return new Refused(Reason.UNKNOWN);
            }
            ConnectLink opened = found.get();
            if (opened.completed()) {
                return new Refused(Reason.COMPLETED);
            }
            if (opened.expiredAt(clock.instant())) {
                return new Refused(Reason.EXPIRED);
            }
            Optional<Connection> connection = connections.find(opened.key())
                    .filter(consenting -> consenting.grant() == Grant.AUTHORIZATION_CODE);
            return connection.<Outcome>map(consenting -> redirect(consenting, link.get(), opened))
                    .orElseGet(() -> new Refused(Reason.UNKNOWN));
        });
    }

    private Redirect redirect(Connection connection, Handle link, ConnectLink opened) {
        Handle state = Handle.random(random);
        Handle verifier = Handle.random(random);
        Handle browser = Handle.random(random);
        attempts.savePending(state.digest(), new PendingConsent(opened.key(), link.digest(), browser.digest(),
                Secret.of(verifier.reveal()), opened.returnUrl(), opened.expiresAt()));
        URI authorize = AuthorizeRedirect.to(connection, settings.callback(), opened.scopes(), state, verifier);
        return new Redirect(authorize, browser, opened.expiresAt());
    }
}
