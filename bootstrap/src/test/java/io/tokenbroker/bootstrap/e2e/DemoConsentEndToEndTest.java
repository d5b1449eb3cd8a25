package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Demo mode's {@code demo/consent}: the sandbox's authorize endpoint consents at once and checks PKCE. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoConsentEndToEndTest implements TestPropertyProvider {

    private final int port = freePort();
    private final BrokerClient admin = new BrokerClient(URI.create("http://127.0.0.1:" + port));

    @Override
    public Map<String, String> getProperties() {
        return Map.of("tokenbroker.demo.enabled", "true", "micronaut.server.port", Integer.toString(port),
                "tokenbroker.public-url", "http://127.0.0.1:" + port);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private URI link() {
        HttpResponse<String> created = admin.post("/v1/tenants/demo/connections/consent/connect", "{}");
        assertEquals(201, created.statusCode(), created.body());
        return URI.create((String) BrokerClient.body(created).get("connect_url"));
    }

    @Test
    void aUserConsentsAtTheSandboxAndTheConnectionServesTokens() {
        assertEquals(409, admin.get("/v1/tenants/demo/connections/consent/token").statusCode());
        Browser browser = new Browser();
        URI authorize = Browser.location(browser.get(link()));
        URI callback = Browser.location(browser.get(authorize));

        HttpResponse<String> page = browser.get(callback);

        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Connected"), page.body());
        HttpResponse<String> token = admin.get("/v1/tenants/demo/connections/consent/token");
        assertEquals(200, token.statusCode(), token.body());
        assertTrue(token.body().contains("sbx_at_"));
    }

    @Test
    void theSandboxRefusesACodeWhoseVerifierDoesNotMatch() {
        Browser browser = new Browser();
        URI authorize = Browser.with(Browser.location(browser.get(link())), "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        HttpResponse<String> page = browser.get(Browser.location(browser.get(authorize)));

        assertTrue(page.body().contains("exchange_failed"), page.body());
    }
}
