package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding through the proxy, on loopback only: the operator lets tenants reach 127.0.0.2, not 127.0.0.1, and
 * a tenant saves an API at {@code localhost}, which the test's resolver answers as it likes. The JVM's own resolver
 * would say 127.0.0.1: a client that resolved the name itself would reach the refused API.
 */
@MicronautTest
@Property(name = "tokenbroker.proxy.allow-insecure-loopback", value = "true")
@Property(name = "tokenbroker.egress.allowed-hosts", value = "token.test, 127.0.0.2/32")
class ProxyRebindingEndToEndTest {

    private static final String NAME = "localhost";

    @Inject
    EmbeddedServer server;
    @Inject
    OfflineHostResolver resolver;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private InetAddress allowed;
    private InetAddress refused;
    private SandboxUpstream upstream;
    private CountingApi refusedApi;
    private CountingApi allowedApi;

    @BeforeEach
    void start() throws IOException {
        allowed = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        refused = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        upstream = SandboxUpstream.start(0, "rebind-client", "rebind-secret", Duration.ofSeconds(600));
        resolver.pointAtLoopback("token.test");
        refusedApi = new CountingApi(refused, 0);
        allowedApi = new CountingApi(allowed, refusedApi.port());
        resolver.answerInTurn(NAME, allowed);
        saveAsTenant();
    }

    @AfterEach
    void stop() {
        resolver.forgetScripts();
        allowedApi.close();
        refusedApi.close();
        upstream.close();
    }

    @Test
    void aNameThatRebindsToARefusedAddressIsNotConnectedTo() throws Exception {
        HttpResponse<String> first = callWhileNameResolvesTo(allowed, refused);

        HttpResponse<String> rebound = call();

        assertEquals(200, first.statusCode(), first.body());
        assertEquals(1, allowedApi.accepted(), "the API closes each connection: the second call opens one");
        assertEquals(0, refusedApi.accepted(), "no connection reached the refused address");
        assertRefusedAsByTheCheckBeforeTheCall(rebound);
    }

    @Test
    void aNameThatResolvesToARefusedAddressWhenConnectingIsRefused() throws Exception {
        HttpResponse<String> refusedAtConnect = callWhileNameResolvesTo(refused);

        assertEquals(0, refusedApi.accepted());
        assertRefusedAsByTheCheckBeforeTheCall(refusedAtConnect);
    }

    @Test
    void theProxyConnectsToTheAddressItsGuardResolvedNotTheJvms() throws Exception {
        HttpResponse<String> answer = callWhileNameResolvesTo(allowed);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(1, allowedApi.accepted());
        assertEquals(0, refusedApi.accepted());
    }

    private void saveAsTenant() {
        BrokerClient admin = new BrokerClient(server.getURI());
        HttpResponse<String> created = admin.post("/v1/api-keys", "{\"name\":\"rebind-app\","
                + "\"scopes\":[\"connections:write\",\"token:read\"],\"tenants\":[\"acme\"]}");
        BrokerClient tenant = admin.as((String) body(created).get("key"));
        URI tokenUrl = URI.create("http://token.test:" + upstream.tokenUrl().getPort() + upstream.tokenUrl().getPath());
        HttpResponse<String> saved = tenant.put("/v1/tenants/acme/connections/rebind",
                "{\"provider\":\"oauth2\",\"token_url\":\"" + tokenUrl + "\",\"client_id\":\"rebind-client\","
                        + "\"client_secret\":\"rebind-secret\",\"api_base_url\":\"http://" + NAME + ":"
                        + refusedApi.port() + "/api\"}");
        assertTrue(saved.statusCode() == 201 || saved.statusCode() == 200, saved.body());
    }

    /**
     * The answer the proxy gave when it also resolved the name before each call and found it refused: the connect
     * time refusal, where names are judged now, must not tell a caller anything new.
     */
    private static void assertRefusedAsByTheCheckBeforeTheCall(HttpResponse<String> answer) {
        assertEquals(400, answer.statusCode(), answer.body());
        Map<String, Object> problem = body(answer);
        assertEquals("urn:tokenbroker:problem:upstream-not-allowed", problem.get("type"));
        assertEquals("The connection names an upstream the broker may not call", problem.get("title"));
        assertEquals(400, ((Number) problem.get("status")).intValue());
        assertEquals("api_base_url: the host's address is private to the broker's network and not on its allowed "
                + "list.", problem.get("detail"));
    }

    /** One proxied call while {@code localhost} resolves to these addresses in turn (one per lookup). */
    private HttpResponse<String> callWhileNameResolvesTo(InetAddress... answers) throws Exception {
        resolver.answerInTurn(NAME, answers);
        return call();
    }

    private HttpResponse<String> call() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURI() + "/v1/proxy/acme/rebind/orders"))
                .header("X-API-Key", BrokerClient.ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An API on one loopback address that counts the connections it accepts and answers each request 200. */
    private static final class CountingApi implements AutoCloseable {

        private final ServerSocket socket;
        private final AtomicInteger accepted = new AtomicInteger();

        CountingApi(InetAddress address, int port) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(address, port));
            Thread thread = new Thread(this::serve, "counting-api-" + address.getHostAddress());
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    accepted.incrementAndGet();
                    readHead(connection.getInputStream());
                    OutputStream out = connection.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                            + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException closed) {
                    if (!socket.isClosed()) {
                        throw new UncheckedIOException(closed);
                    }
                }
            }
        }

        /** Reads up to the blank line that ends a request's head; the proxied GET has no body. */
        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            int next;
            while (matched < 4 && (next = in.read()) >= 0) {
                matched = next == "\r\n\r\n".charAt(matched) ? matched + 1 : next == '\r' ? 1 : 0;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a listening socket: nothing to recover
            }
        }
    }
}
