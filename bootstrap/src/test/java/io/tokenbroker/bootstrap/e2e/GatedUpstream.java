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
 * A token endpoint whose first answer waits until the test opens the gate: lets a test act while a refresh is
 * known to be in flight (take the holder's lease away, stop its instance) without sleeping. Later requests are
 * answered at once. Tokens are {@code gate-1}, {@code gate-2}, … in arrival order.
 */
final class GatedUpstream implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch firstArrived = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final int firstStatus;

    GatedUpstream() {
        this(200);
    }

    /** @param firstStatus what the gated first request is answered with; 401 is {@code invalid_client} */
    GatedUpstream(int firstStatus) {
        this.firstStatus = firstStatus;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        server.createContext("/oauth/token", this::token);
        server.setExecutor(executor);
        server.start();
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/token");
    }

    int requests() {
        return requests.get();
    }

    void awaitFirstRequest() throws InterruptedException {
        if (!firstArrived.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the first token request never arrived");
        }
    }

    void openGate() {
        gate.countDown();
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            int number = requests.incrementAndGet();
            if (number == 1) {
                firstArrived.countDown();
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (number == 1 && firstStatus != 200) {
                refuse(exchange);
                return;
            }
            byte[] body = ("{\"access_token\":\"gate-" + number + "\",\"token_type\":\"Bearer\",\"expires_in\":600}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void refuse(HttpExchange exchange) throws IOException {
        byte[] body = "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(firstStatus, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
