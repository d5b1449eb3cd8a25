package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The connect flow end to end against a real authorization server (NAV's mock-oauth2-server, which checks PKCE),
 * with a cookie-keeping HTTP client as the browser: link → authorize → callback → return URL, then tokens served
 * and refreshed from the consented refresh token; and every refusal the issue lists, each a clear 4xx.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectFlowEndToEndTest implements TestPropertyProvider {

    static final TestClock CLOCK = TestClock.at(Instant.now());
    private static final String RETURN = "https://app.test/app/done";
    private static final String CLIENT_SECRET = "e2e-secret-never-echoed";

    private final int port = freePort();
    private final MockOAuth2Server provider = new MockOAuth2Server();
    private final BrokerClient admin = new BrokerClient(URI.create("http://127.0.0.1:" + port));

    @Inject
    ConnectionEvents events;
    @Inject
    Reauthorisations reauthorisations;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("tokenbroker.test.connect-e2e", "true",
                "micronaut.server.port", Integer.toString(port),
                "tokenbroker.public-url", "http://127.0.0.1:" + port,
                "tokenbroker.connect.allowed-return-urls", "https://app.test/app");
    }

    @BeforeAll
    void startProvider() {
        provider.start();
    }

    @AfterAll
    void stopProvider() {
        provider.shutdown();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private String path(String connection) {
        return "/v1/tenants/acme/connections/" + connection;
    }

    private void save(String connection, String clientSecret) {
        HttpResponse<String> saved = admin.put(path(connection), "{\"provider\":\"oauth2\","
                + "\"grant\":\"authorization_code\",\"token_url\":\"" + provider.tokenEndpointUrl("default")
                + "\",\"authorization_url\":\"" + provider.authorizationEndpointUrl("default")
                + "\",\"client_id\":\"connect-client\",\"client_secret\":\"" + clientSecret
                + "\",\"scopes\":[\"openid\",\"offline_access\"]}");
        assertTrue(saved.statusCode() == 200 || saved.statusCode() == 201, saved.body());
    }

    private URI link(String connection, String body) {
        HttpResponse<String> created = admin.post(path(connection) + "/connect", body);
        assertEquals(201, created.statusCode(), created.body());
        return URI.create((String) BrokerClient.body(created).get("connect_url"));
    }

    /** Opens the link and lets the provider consent: the callback URL the provider sent the browser to. */
    private URI consentAt(Browser browser, URI link) {
        URI authorize = Browser.location(browser.get(link));
        return Browser.location(browser.get(authorize));
    }

    private URI connect(Browser browser, String connection) {
        return Browser.location(browser.get(consentAt(browser, link(connection, "{\"return_url\":\"" + RETURN + "\"}"))));
    }

    private HttpResponse<String> token(String connection) {
        return admin.get(path(connection) + "/token");
    }

    private String freshToken(String connection) {
        assertEquals(204, admin.post(path(connection) + "/token/invalidate", "{}").statusCode());
        HttpResponse<String> token = token(connection);
        assertEquals(200, token.statusCode(), token.body());
        return (String) BrokerClient.body(token).get("access_token");
    }

    @Test
    void aUserConsentsAndTheBrokerKeepsTheGrantAlive() {
        save("books", CLIENT_SECRET);
        HttpResponse<String> before = token("books");
        assertEquals(409, before.statusCode());
        assertTrue(before.body().contains("connect-required") && before.body().contains(path("books") + "/connect"));
        assertTrue(admin.get(path("books") + "/status").body().contains("not_connected"));

        Browser browser = new Browser();
        URI link = link("books", "{\"return_url\":\"" + RETURN + "\"}");
        HttpResponse<String> opened = browser.get(link);
        URI authorize = Browser.location(opened);
        assertEquals("S256", Browser.query(authorize).get("code_challenge_method"));
        assertEquals("http://127.0.0.1:" + port + "/v1/oauth/callback", Browser.query(authorize).get("redirect_uri"));
        String cookie = opened.headers().firstValue("Set-Cookie").orElseThrow().toLowerCase(Locale.ROOT);
        assertTrue(cookie.contains("httponly") && cookie.contains("samesite=lax") && cookie.contains("path=/"), cookie);
        URI returned = Browser.location(browser.get(Browser.location(browser.get(authorize))));

        assertEquals(URI.create(RETURN + "?tenant=acme&connection=books&result=connected"), returned);
        String first = (String) BrokerClient.body(token("books")).get("access_token");
        String refreshed = freshToken("books");
        assertNotEquals(first, refreshed, "served from the stored refresh token");
        String log = admin.get(path("books") + "/refresh-log").body();
        assertTrue(log.contains("\"connect\""), log);
        assertTrue(events.recent(100).stream().anyMatch(event -> event.type() == ConnectionEvent.Type.CONNECTED));

        save("books", "a-rotated-client-secret");
        assertTrue(admin.get(path("books")).body().contains("\"has_refresh_token\":true"));
        freshToken("books");
    }

    @Test
    void aReplayedCallbackAndACompletedLinkAreRefused() {
        save("replayed", CLIENT_SECRET);
        Browser browser = new Browser();
        URI link = link("replayed", "{\"return_url\":\"" + RETURN + "\"}");
        URI callback = consentAt(browser, link);
        assertTrue(Browser.query(Browser.location(browser.get(callback))).get("result").equals("connected"));

        URI replay = Browser.location(browser.get(callback));
        assertEquals("replayed", Browser.query(replay).get("error"));
        HttpResponse<String> reopened = browser.get(link);
        assertEquals(410, reopened.statusCode());
        assertTrue(reopened.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    }

    @Test
    void aCallbackInAnotherBrowserOrWithAnotherConnectionsStateChangesNothing() {
        save("mine", CLIENT_SECRET);
        save("theirs", CLIENT_SECRET);
        Browser mine = new Browser();
        Browser theirs = new Browser();
        URI myCallback = consentAt(mine, link("mine", "{}"));
        URI theirCallback = consentAt(theirs, link("theirs", "{}"));

        HttpResponse<String> noCookie = new Browser().get(myCallback);
        assertEquals(400, noCookie.statusCode());
        assertTrue(noCookie.body().contains("another browser"), noCookie.body());
        assertEquals(400, mine.get(theirCallback).statusCode());
        assertEquals(409, token("theirs").statusCode());
        assertEquals(409, token("mine").statusCode());
    }

    @Test
    void aDeniedConsentAndAWrongVerifierEndWithAnErrorAndNoGrant() {
        save("denied", CLIENT_SECRET);
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(link("denied", "{\"return_url\":\"" + RETURN + "\"}")));
        URI denied = URI.create("http://127.0.0.1:" + port + "/v1/oauth/callback?error=access_denied"
                + "&error_description=User%20said%20no&state=" + Browser.query(authorize).get("state"));
        Map<String, String> result = Browser.query(Browser.location(browser.get(denied)));
        assertEquals(Map.of("tenant", "acme", "connection", "denied", "result", "error", "error", "access_denied"),
                result);
        assertEquals(409, token("denied").statusCode());

        URI tampered = Browser.with(Browser.location(browser.get(link("denied", "{\"return_url\":\"" + RETURN
                + "\"}"))), "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        URI callback = Browser.location(browser.get(tampered));
        assertEquals("exchange_failed", Browser.query(Browser.location(browser.get(callback))).get("error"));
        assertEquals(409, token("denied").statusCode());
    }

    @Test
    void anExpiredLinkIsGone() {
        save("late", CLIENT_SECRET);
        URI link = link("late", "{\"expires_in\":60}");
        CLOCK.advance(Duration.ofSeconds(61));

        HttpResponse<String> opened = new Browser().get(link);
        assertEquals(410, opened.statusCode());
        assertTrue(opened.body().contains("expired"));
        assertTrue(opened.headers().firstValue("RateLimit-Limit").isPresent(), "limited per address, without a key");
        assertEquals(404, new Browser().get(URI.create("http://127.0.0.1:" + port + "/v1/connect/"
                + "x".repeat(43))).statusCode());
    }

    @Test
    void returnUrlTricksAndProvidersWithoutConsentAreRefused() {
        save("tricks", CLIENT_SECRET);
        for (String trick : List.of("https://app.test/app.evil", "https://app.test/app/../admin",
                "https://app.test/app/%2e%2e/admin", "https://evil.test/app", "javascript:alert(1)")) {
            HttpResponse<String> refused = admin.post(path("tricks") + "/connect", "{\"return_url\":\"" + trick + "\"}");
            assertEquals(400, refused.statusCode(), trick);
            assertTrue(refused.body().contains("return-url-not-allowed"), refused.body());
        }
        assertEquals(200 / 100, admin.put(path("qpay"), "{\"provider\":\"qpay\",\"base_url\":\"http://127.0.0.1:9\","
                + "\"client_id\":\"q\",\"client_secret\":\"" + CLIENT_SECRET + "\"}").statusCode() / 100);
        HttpResponse<String> qpay = admin.post(path("qpay") + "/connect", "{}");
        assertEquals(400, qpay.statusCode());
        assertTrue(qpay.body().contains("connect-not-supported") && qpay.body().contains("qpay"), qpay.body());
    }

    @Test
    void aConnectionNeedingReauthorisationIsReconnected() {
        save("revoked", CLIENT_SECRET);
        connect(new Browser(), "revoked");
        // As the token service marks it when the provider answers invalid_grant (covered by its own tests).
        reauthorisations.mark(new Reauthorisations.Needed(ConnectionKey.of("acme", "revoked"), CLOCK.instant(),
                "invalid_grant"));
        admin.post(path("revoked") + "/token/invalidate", "{}");
        HttpResponse<String> refused = token("revoked");
        assertEquals(409, refused.statusCode());
        assertTrue(refused.body().contains("reauthorization-required"));

        URI returned = connect(new Browser(), "revoked");

        assertEquals("connected", Browser.query(returned).get("result"));
        assertEquals(200, token("revoked").statusCode());
        assertFalse(admin.get(path("revoked")).body().contains("needs_reauthorization_since"));
        assertTrue(events.recent(100).stream().anyMatch(event -> event.type() == ConnectionEvent.Type.REAUTHORIZED
                && event.key().connection().value().equals("revoked")));
    }

    /** The movable clock, for this test's context only. */
    @Factory
    @Requires(property = "tokenbroker.test.connect-e2e", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }
    }
}
