package io.tokenbroker.bootstrap.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A provider's API on 127.0.0.1 behind the proxy: records what reached it (the request line, the headers, how many
 * body bytes), refuses the bearer tokens it is told to (or every token) with 401, answers {@code /redirect} with a
 * 302 to another host, holds {@code /hang} until released, and otherwise 200 with headers a proxy must not rewrite.
 * It keeps connections open between requests and counts them.
 */
final class ProxiedApi implements AutoCloseable {

    /** One request as it reached the API. */
    record Received(String method, String target, Map<String, List<String>> headers, long bodyBytes) {
        String header(String name) {
            List<String> values = headers.get(name.substring(0, 1).toUpperCase() + name.substring(1).toLowerCase());
            return values == null ? null : values.get(0);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final CountDownLatch firstBodyBytes = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean refuseEveryToken;

    ProxiedApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    void refuse(String token) {
        refused.add(token);
    }

    void refuseEveryToken() {
        refuseEveryToken = true;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** How many connections requests came over: one client address and port per connection. */
    int connections() {
        return peers.size();
    }

    /** Counted down when the first body bytes of any request arrive, before the rest is read. */
    CountDownLatch firstBodyBytes() {
        return firstBodyBytes;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            peers.add(exchange.getRemoteAddress());
            long bytes = drain(exchange.getRequestBody());
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), bytes));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring(7) : null;
            if (token == null || refuseEveryToken || refused.contains(token)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                send(exchange, 401, "{\"error\":\"invalid_token\"}");
                return;
            }
            if (exchange.getRequestURI().getPath().endsWith("/hang")) {
                awaitRelease();
            }
            if (exchange.getRequestURI().getPath().endsWith("/redirect")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.2:9/elsewhere");
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            exchange.getResponseHeaders().add("Cache-Control", "max-age=60");
            exchange.getResponseHeaders().add("RateLimit-Remaining", "7");
            exchange.getResponseHeaders().add("X-Upstream", "yes");
            send(exchange, 200, "{\"bytes\":" + bytes + "}");
        }
    }

    /** Lets the requests to {@code /hang} answer. */
    void release() {
        release.countDown();
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private long drain(InputStream body) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
            if (read > 0 && total == 0) {
                firstBodyBytes.countDown();
            }
            total += read;
        }
        return total;
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
