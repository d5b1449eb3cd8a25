package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.tokenbroker.adapters.http.inbound.PublicAddress;
import io.tokenbroker.adapters.http.upstream.OAuth2AuthorizationCodes;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.port.out.AuthorizationCodes;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.ConnectLinkService;
import io.tokenbroker.application.service.ConnectSettings;
import io.tokenbroker.application.service.ConsentCallbackService;
import io.tokenbroker.bootstrap.config.ConnectConfiguration;
import io.tokenbroker.bootstrap.config.LeaseConfiguration;
import io.tokenbroker.bootstrap.config.RefreshConfiguration;
import jakarta.inject.Singleton;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Wires the connect flow (issue 14): connect links, the consent start and the callback. Links, states, cookies and
 * PKCE verifiers are drawn from a {@link SecureRandom}, never from the jitter source the token service uses.
 */
@Factory
public class ConnectFactory {

    @Singleton
    PublicAddress publicAddress(@Value("${tokenbroker.public-url}") String publicUrl) {
        return new PublicAddress(URI.create(publicUrl));
    }

    @Singleton
    ConnectSettings connectSettings(PublicAddress address, ConnectConfiguration connect) {
        return new ConnectSettings(address.callback(), connect.returnUrls());
    }

    @Singleton
    AuthorizationCodes authorizationCodes(TokenEndpointClient client) {
        return new OAuth2AuthorizationCodes(client);
    }

    @Singleton
    ConnectLinkService connectLinks(Connections connections, ConnectAttempts attempts, ConnectSettings settings,
                                    Clock clock) {
        return new ConnectLinkService(connections, attempts, settings, new SecureRandom(), clock);
    }

    @Singleton
    ConsentCallbackService consentCallback(ConnectAttempts attempts, Connections connections, AuthorizationCodes codes,
                                           LockManager locks, TokenStore tokens, Reauthorisations reauthorisations,
                                           RefreshLog refreshLog, ConnectionEvents events, ConnectSettings settings,
                                           RefreshConfiguration refresh, LeaseConfiguration lease, Clock clock) {
        return new ConsentCallbackService(new ConsentCallbackService.Ports(attempts, connections, codes, locks, tokens,
                reauthorisations, refreshLog, events), settings, refresh.policy(), lease.settings(), clock);
    }
}
