package io.tokenbroker.adapters.http.upstream;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP token endpoint whose next answer a test writes, and which remembers the last request it got. Lets
 * tests produce what the sandbox never does: 5xx, 429, garbage, silence.
 */
final class ScriptedUpstream implements AutoCloseable {

    /** @param clientPort the client's end of the connection the request came over: one port, one connection */
    record Request(String method, String path, Map<String, String> headers, String body, int clientPort) {
    }

    private record Answer(int status, String body, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Answer fallback = new Answer(200, "{}", Map.of());
    private final Map<String, Answer> byPath = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.List<Request> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountDownLatch bodyStarted = new CountDownLatch(1);
    private final CountDownLatch bodyReleased = new CountDownLatch(1);
    private volatile String stalledBodyPath;
    private volatile boolean silent;
    private volatile Request last;
    private volatile Runnable beforeAnswer = () -> { };

    ScriptedUpstream() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "scripted-upstream");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                Map<String, String> received = new LinkedHashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> received.put(name.toLowerCase(), values.get(0)));
                String path = exchange.getRequestURI().getPath();
                last = new Request(exchange.getRequestMethod(), path, received,
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                        exchange.getRemoteAddress().getPort());
                requests.add(last);
                beforeAnswer.run();
                if (silent) {
                    released.await(30, TimeUnit.SECONDS);
                    return;
                }
                Answer answer = byPath.getOrDefault(path, fallback);
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.status(), bytes.length);
                int sentFirst = path.equals(stalledBodyPath) ? bytes.length / 2 : 0;
                if (sentFirst > 0) {
                    exchange.getResponseBody().write(bytes, 0, sentFirst);
                    exchange.getResponseBody().flush();
                    bodyStarted.countDown();
                    bodyReleased.await(30, TimeUnit.SECONDS);
                }
                exchange.getResponseBody().write(bytes, sentFirst, bytes.length - sentFirst);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    ScriptedUpstream answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    ScriptedUpstream answer(int status, String body, Map<String, String> headers) {
        this.fallback = new Answer(status, body, headers);
        return this;
    }

    /** Answers requests to {@code path} so; every other path gets the default answer. */
    ScriptedUpstream answerAt(String path, int status, String body) {
        byPath.put(path, new Answer(status, body, Map.of()));
        return this;
    }

    /** Every request received so far, in order. */
    java.util.List<Request> requests() {
        return java.util.List.copyOf(requests);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Runs {@code hook} on the server's thread after a request is read and before it is answered. */
    ScriptedUpstream beforeAnswer(Runnable hook) {
        this.beforeAnswer = hook;
        return this;
    }

    /** Never answers (until closed): for timeouts. */
    ScriptedUpstream silent() {
        this.silent = true;
        return this;
    }

    /**
     * Answers requests to {@code path} with the status, the headers and the first half of the body, then holds the
     * rest back until {@link #releaseBody()}: an upstream that stalls in the middle of its answer.
     */
    ScriptedUpstream stallBodyAt(String path, int status, String body) {
        stalledBodyPath = path;
        return answerAt(path, status, body);
    }

    /** Waits until a stalled answer's first half has been sent. */
    void awaitStalledBody() throws InterruptedException {
        bodyStarted.await();
    }

    void releaseBody() {
        bodyReleased.countDown();
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    Request lastRequest() {
        return last;
    }

    @Override
    public void close() {
        released.countDown();
        bodyReleased.countDown();
        server.stop(0);
    }
}
