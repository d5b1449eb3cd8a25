package io.tokenbroker.bootstrap.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider's API on 127.0.0.1 that answers 401 for one revoked token and 200 for any other bearer token. The
 * 401s are held until {@code burst} requests carrying the revoked token have arrived, so they all meet the caller
 * at once, as a real burst does.
 */
final class RevokingApi implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final String revoked;
    private final CountDownLatch burst;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();

    RevokingApi(String revokedToken, int burst) {
        this.revoked = revokedToken;
        this.burst = new CountDownLatch(burst);
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

    int refused() {
        return refused.get();
    }

    int served() {
        return served.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (("Bearer " + revoked).equals(authorization)) {
                burst.countDown();
                awaitTheBurst();
                refused.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            boolean bearer = authorization != null && authorization.startsWith("Bearer ");
            byte[] body = (bearer ? "{\"orders\":[]}" : "{}").getBytes(StandardCharsets.UTF_8);
            if (bearer) {
                served.incrementAndGet();
            }
            exchange.sendResponseHeaders(bearer ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void awaitTheBurst() {
        try {
            burst.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
