package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectAttempts;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.CompleteConsent;
import io.tokenbroker.application.port.in.CompleteConsent.Returned;
import io.tokenbroker.application.port.in.ConnectRefusedException;
import io.tokenbroker.application.port.in.CreateConnectLink;
import io.tokenbroker.application.port.in.StartConsent;
import io.tokenbroker.application.port.out.AuthorizationCodes;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connect.Handle;
import io.tokenbroker.domain.connect.ReturnUrls;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.TokenGrant;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connect flow over the in-memory adapters, with a provider that checks PKCE as a real one does. */
class ConnectFlowTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "books");
    private static final URI CALLBACK = URI.create("https://broker.test/v1/oauth/callback");
    private static final String RETURN = "https://app.test/connected";

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryConnectAttempts attempts = new InMemoryConnectAttempts(100, clock);
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryReauthorisations reauthorisations = new InMemoryReauthorisations();
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(10);
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(10);
    /** The provider: codes it issued, by the challenge they were issued for. */
    private final Map<String, String> challenges = new HashMap<>();
    private final AuthorizationCodes provider = (connection, code, verifier, redirectUri) -> {
        String challenge = challenges.remove(code.reveal());
        if (challenge == null || !Handle.presented(verifier.reveal()).orElseThrow().challenge().equals(challenge)
                || !redirectUri.equals(CALLBACK.toString())) {
            throw new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant"));
        }
        return new TokenGrant(aToken("at-1", clock, Duration.ofHours(1)), Optional.of(Secret.of("rt-1")),
                Optional.empty());
    };
    private final ConnectSettings settings = new ConnectSettings(CALLBACK, ReturnUrls.of(List.of("https://app.test/")));
    private final ConnectLinkService links = new ConnectLinkService(connections, attempts, settings, new Random(1),
            clock);
    private final ConsentCallbackService callback = new ConsentCallbackService(new ConsentCallbackService.Ports(
            attempts, connections, provider, new InMemoryLockManager(), tokens, reauthorisations, refreshLog, events),
            settings, RefreshPolicy.defaults(), new LeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(1)),
            clock);

    @BeforeEach
    void saveAConnectionAwaitingConsent() {
        connections.save(aConnection().withKey(KEY).withProvider(ProviderType.QUICKBOOKS).withoutRefreshToken()
                .withSettings(Map.of("authorization_url", "https://idp.test/authorize")).build());
    }

    private Handle link() {
        return links.create(new CreateConnectLink.Command(KEY, Optional.of(RETURN), Optional.empty(),
                Duration.ofMinutes(30))).link();
    }

    /** What the provider sends back after the user consented: a code for the request's challenge. */
    private record Consented(String state, String code, Handle browser) {
    }

    private Consented consent(Handle link) {
        StartConsent.Redirect redirect = (StartConsent.Redirect) links.start(link.reveal());
        Map<String, String> query = new HashMap<>();
        for (String pair : redirect.authorize().getRawQuery().split("&")) {
            query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        String code = "code-" + challenges.size();
        challenges.put(code, query.get("code_challenge"));
        return new Consented(query.get("state"), code, redirect.browser());
    }

    private CompleteConsent.Completion back(Consented consented, Optional<String> code, Optional<String> error,
                                            Optional<Handle> browser) {
        return callback.complete(new CompleteConsent.Command(Optional.of(consented.state()), code, error,
                Optional.empty(), Optional.of("9130"), browser.map(Handle::reveal)));
    }

    private CompleteConsent.Completion back(Consented consented) {
        return back(consented, Optional.of(consented.code()), Optional.empty(), Optional.of(consented.browser()));
    }

    private static Returned returned(Optional<String> error) {
        return new Returned(KEY, Optional.of(URI.create(RETURN)), error);
    }

    @Test
    void aConsentStoresTheRefreshTokenCachesTheTokenAndTellsEveryone() {
        assertEquals(returned(Optional.empty()), back(consent(link())));

        assertEquals(Optional.of(Secret.of("rt-1")), connections.find(KEY).orElseThrow().refreshToken());
        assertEquals(Optional.of("9130"), connections.find(KEY).orElseThrow().setting("realm_id"));
        assertEquals("at-1", tokens.find(KEY).orElseThrow().value());
        RefreshAttempt row = refreshLog.recent(KEY, 1).get(0);
        assertEquals(RefreshAttempt.Trigger.CONNECT, row.trigger());
        assertEquals(RefreshAttempt.Outcome.SUCCESS, row.outcome());
        assertEquals(ConnectionEvent.Type.CONNECTED, events.recent(1).get(0).type());
    }

    @Test
    void aReplayedCallbackIsRefusedAndTheCompletedLinkCannotStartAgain() {
        Handle link = link();
        Consented consented = consent(link);
        back(consented);

        assertEquals(returned(Optional.of("replayed")), back(consented));
        assertEquals(new StartConsent.Refused(StartConsent.Reason.COMPLETED), links.start(link.reveal()));
    }

    @Test
    void aCallbackWithoutOrWithAnotherBrowsersCookieChangesNothing() {
        Consented consented = consent(link());
        Consented other = consent(link());

        assertEquals(new CompleteConsent.Refused(CompleteConsent.Reason.OTHER_BROWSER),
                back(consented, Optional.of(consented.code()), Optional.empty(), Optional.of(other.browser())));
        assertEquals(new CompleteConsent.Refused(CompleteConsent.Reason.OTHER_BROWSER),
                back(other, Optional.of(other.code()), Optional.empty(), Optional.empty()));
        assertEquals(new CompleteConsent.Refused(CompleteConsent.Reason.UNKNOWN_STATE),
                callback.complete(new CompleteConsent.Command(Optional.of(Handle.random(new Random(2)).reveal()),
                        Optional.of("c"), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(consented.browser().reveal()))));
        assertTrue(connections.find(KEY).orElseThrow().awaitsConnect());
    }

    @Test
    void aDeniedConsentOrAWrongVerifierEndsWithACodeAndNoGrant() {
        Consented denied = consent(link());
        assertEquals(returned(Optional.of("access_denied")), back(denied, Optional.empty(),
                Optional.of("access_denied"), Optional.of(denied.browser())));
        Consented odd = consent(link());
        assertEquals(returned(Optional.of("server_error")), back(odd, Optional.empty(),
                Optional.of("Something <b>bad</b>"), Optional.of(odd.browser())));
        Consented tampered = consent(link());
        challenges.put(tampered.code(), "not-the-challenge");
        assertEquals(returned(Optional.of("exchange_failed")), back(tampered));

        assertTrue(connections.find(KEY).orElseThrow().awaitsConnect());
        assertEquals(RefreshAttempt.Outcome.FAILURE, refreshLog.recent(KEY, 1).get(0).outcome());
    }

    @Test
    void anExpiredLinkNeitherStartsNorCompletes() {
        Handle link = link();
        Consented consented = consent(link);
        clock.advance(Duration.ofMinutes(30));

        assertEquals(new StartConsent.Refused(StartConsent.Reason.EXPIRED), links.start(link.reveal()));
        assertEquals(returned(Optional.of("expired")), back(consented));
        assertEquals(new StartConsent.Refused(StartConsent.Reason.UNKNOWN), links.start("x".repeat(43)));
    }

    @Test
    void aConnectionNeedingReauthorisationIsReconnected() {
        connections.save(connections.find(KEY).orElseThrow().withRefreshToken(Secret.of("revoked")));
        reauthorisations.mark(new Reauthorisations.Needed(KEY, clock.instant(), "invalid_grant"));

        assertEquals(returned(Optional.empty()), back(consent(link())));

        assertEquals(Optional.empty(), reauthorisations.find(KEY));
        assertEquals(ConnectionEvent.Type.REAUTHORIZED, events.recent(1).get(0).type());
    }

    @Test
    void linksAreRefusedForProvidersWithoutConsentAndForReturnUrlsOutsideTheAllowlist() {
        ConnectionKey qpay = ConnectionKey.of("acme", "qpay");
        connections.save(aConnection().withKey(qpay).withProvider(ProviderType.QPAY).build());
        ConnectRefusedException refused = assertThrows(ConnectRefusedException.class, () -> links.create(
                new CreateConnectLink.Command(qpay, Optional.empty(), Optional.empty(), Duration.ofMinutes(5))));
        assertEquals("connect-not-supported", refused.problemType());
        assertTrue(refused.detail().contains("qpay"));
        assertEquals("return-url-not-allowed", assertThrows(ConnectRefusedException.class, () -> links.create(
                new CreateConnectLink.Command(KEY, Optional.of("https://app.test.evil/x"), Optional.empty(),
                        Duration.ofMinutes(5)))).problemType());
        assertFalse(back(consent(link())) instanceof CompleteConsent.Refused);
    }

    @Test
    void anIssuerOtherThanTheAuthorizeEndpointsIsAMixUpAndItsCodeIsNotRedeemed() {
        Consented mixedUp = consent(link());
        assertEquals(returned(Optional.of("invalid_request")), callback.complete(new CompleteConsent.Command(
                Optional.of(mixedUp.state()), Optional.of(mixedUp.code()), Optional.empty(),
                Optional.of("https://idp.test.evil"), Optional.empty(), Optional.of(mixedUp.browser().reveal()))));
        assertTrue(connections.find(KEY).orElseThrow().awaitsConnect());

        Consented named = consent(link());
        assertEquals(returned(Optional.empty()), callback.complete(new CompleteConsent.Command(
                Optional.of(named.state()), Optional.of(named.code()), Optional.empty(),
                Optional.of("https://idp.test"), Optional.empty(), Optional.of(named.browser().reveal()))));
    }
}
