package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.CompleteConsent;
import io.tokenbroker.application.port.out.AuthorizationCodes;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connect.AuthorizeRedirect;
import io.tokenbroker.domain.connect.PendingConsent;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Grant;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.TokenGrant;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Redeems a consent's code under the connection's lease and stores what it yields: the refresh token fenced like a
 * rotation (which also clears a re-authorisation mark), the access token in the cache, a refresh-log row with
 * trigger {@code connect}, and a {@code connected} or {@code reauthorized} event.
 */
final class ConsentExchange {

    private static final Pattern REALM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Connections connections;
    private final AuthorizationCodes codes;
    private final TokenStore tokens;
    private final Reauthorisations reauthorisations;
    private final RefreshLog refreshLog;
    private final ConnectionEvents events;
    private final ConnectSettings settings;
    private final RefreshPolicy policy;
    private final Clock clock;

    ConsentExchange(ConsentCallbackService.Ports ports, ConnectSettings settings, RefreshPolicy policy, Clock clock) {
        this.connections = ports.connections();
        this.codes = ports.codes();
        this.tokens = ports.tokens();
        this.reauthorisations = ports.reauthorisations();
        this.refreshLog = ports.refreshLog();
        this.events = ports.events();
        this.settings = settings;
        this.policy = policy;
        this.clock = clock;
    }

    /** @return empty when connected; the error code for the browser otherwise */
    Optional<String> redeem(PendingConsent consent, String code, CompleteConsent.Command command, Lease held) {
        ConnectionKey key = consent.key();
        Optional<Connection> found = connections.find(key)
                .filter(connection -> connection.grant() == Grant.AUTHORIZATION_CODE);
        if (found.isEmpty()) {
            return Optional.of("exchange_failed");
        }
        Connection connection = found.get();
        if (command.issuer().isPresent() && !issuedBy(connection, command.issuer().get())) {
            // RFC 9207: a response naming another issuer may come from a mix-up attack; its code is not redeemed.
            return Optional.of("invalid_request");
        }
        Instant started = clock.instant();
        TokenGrant grant;
        try {
            grant = codes.redeem(connection, Secret.of(code), consent.verifier(),
                    AuthorizeRedirect.redirectUri(connection, settings.callback()));
        } catch (UpstreamException refused) {
            record(key, started, held, refused.status(), refused.errorCode(), "the authorization code was refused");
            return Optional.of("exchange_failed");
        }
        if (grant.refreshToken().isEmpty()) {
            record(key, started, held, OptionalInt.of(200), Optional.of("no_refresh_token"),
                    "the provider issued no refresh token (offline access not granted?)");
            return Optional.of("exchange_failed");
        }
        return store(connection, grant, realmId(connection, command), started, held);
    }

    private Optional<String> store(Connection connection, TokenGrant grant, Optional<String> realmId, Instant started,
                                   Lease held) {
        ConnectionKey key = connection.key();
        Secret refreshToken = grant.refreshToken().orElseThrow();
        if (realmId.isPresent() && !realmId.equals(connection.setting("realm_id"))) {
            connections.save(connection.consented(refreshToken, realmId));
        }
        if (!connections.saveRotation(key, refreshToken, grant.refreshTokenExpiresAt(), held.fence())) {
            record(key, started, held, OptionalInt.of(200), Optional.of("not_stored"),
                    "the consented refresh token could not be stored");
            return Optional.of("exchange_failed");
        }
        boolean reconnected = reauthorisations.find(key).isPresent();
        reauthorisations.clear(key);
        AccessToken token = grant.accessToken();
        Duration ttl = policy.cacheTtl(token, clock.instant());
        if (!ttl.isZero()) {
            tokens.put(key, token, ttl, held.fence());
        }
        refreshLog.record(new RefreshAttempt(key, RefreshAttempt.Trigger.CONNECT, RefreshAttempt.Outcome.SUCCESS,
                started, clock.instant(), 1, OptionalInt.of(200), Optional.empty(), Optional.empty(), held.fence()));
        EventPublishing.publish(events, clock, key,
                reconnected ? ConnectionEvent.Type.REAUTHORIZED : ConnectionEvent.Type.CONNECTED,
                reconnected ? "reconnected through a connect link" : "a user consented through a connect link",
                Optional.of(token.expiresAt()));
        return Optional.empty();
    }

    /** The issuer named in the response is the authorize endpoint's own: its URL or a path prefix of it. */
    private static boolean issuedBy(Connection connection, String issuer) {
        String authorize = connection.authorizationUrl().map(URI::toString).orElse("");
        String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return !trimmed.isEmpty() && (authorize.equals(trimmed) || authorize.startsWith(trimmed + "/"));
    }

    private static Optional<String> realmId(Connection connection, CompleteConsent.Command command) {
        return connection.provider() == ProviderType.QUICKBOOKS
                ? command.realmId().filter(realm -> REALM_ID.matcher(realm).matches()) : Optional.empty();
    }

    private void record(ConnectionKey key, Instant started, Lease held, OptionalInt status, Optional<String> code,
                        String message) {
        refreshLog.record(new RefreshAttempt(key, RefreshAttempt.Trigger.CONNECT, RefreshAttempt.Outcome.FAILURE,
                started, clock.instant(), 1, status, code, Optional.of(message), held.fence()));
    }
}
