package io.tokenbroker.adapters.http.webhook;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An operator's webhook receiver on loopback: one path per receiver, each with its own secret; it checks every
 * signature the way the docs tell operators to, answers 204 (401 for a bad signature), and can be told to fail the
 * next requests with 500 or to hold them until released. Tests wait on what arrived, never on time. Shared with the
 * end-to-end tests through this module's test-jar.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as the receiver saw it. */
    public record Received(String path, String rawBody, String signature, Map<String, Object> body, boolean signatureValid) {

        public String type() {
            return (String) body.get("type");
        }

        public String tenant() {
            return (String) body.get("tenant");
        }

        public String connection() {
            return (String) body.get("connection");
        }
    }

    /** Requests to one path held until {@link #release()}; {@link #entered()} counts down when the first arrives. */
    public record Hold(CountDownLatch entered, CountDownLatch released) {

        public void release() {
            released.countDown();
        }
    }

    private static final long GUARD_SECONDS = 30;
    /** Longer than any test's own guard: a test that waits on a held receiver fails before the hold gives way. */
    private static final long HOLD_GUARD_SECONDS = 120;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "webhook-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final JsonMapper json = JsonMapper.createDefault();
    private final Map<String, String> secrets;
    private final Map<String, AtomicInteger> failuresToAnswer = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final List<Received> received = new ArrayList<>();

    /** @param secrets the secret of each path ("/acme" → its tenant's secret) */
    public WebhookReceiver(Map<String, String> secrets) {
        this(InetAddress.getLoopbackAddress(), 0, secrets);
    }

    /**
     * A receiver on one loopback address and port (0: any free one), so that a test can put two receivers on the same
     * port of two addresses and see which one a name was connected to.
     */
    public WebhookReceiver(InetAddress address, int port, Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 50);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String signature = exchange.getRequestHeaders().getFirst(WebhookConnectionEvents.SIGNATURE_HEADER);
                boolean valid = verifies(secrets.get(path), signature, body);
                Hold hold = holds.get(path);
                if (hold != null) {
                    hold.entered().countDown();
                    awaitQuietly(hold.released(), HOLD_GUARD_SECONDS);
                }
                boolean fail = failuresToAnswer.getOrDefault(path, new AtomicInteger()).getAndDecrement() > 0;
                exchange.sendResponseHeaders(fail ? 500 : valid ? 204 : 401, -1);
                record(new Received(path, body, signature, parse(body), valid));
            }
        });
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void failNext(String path, int times) {
        failuresToAnswer.put(path, new AtomicInteger(times));
    }

    public Hold hold(String path) {
        Hold hold = new Hold(new CountDownLatch(1), new CountDownLatch(1));
        holds.put(path, hold);
        return hold;
    }

    /** Waits until {@code count} requests matching {@code which} arrived, and returns them in arrival order. */
    public List<Received> await(Predicate<Received> which, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        synchronized (received) {
            while (true) {
                List<Received> matching = received.stream().filter(which).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " webhook requests, got " + matching
                            + " of all " + received);
                }
                TimeUnit.NANOSECONDS.timedWait(received, left);
            }
        }
    }

    public List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void record(Received request) {
        synchronized (received) {
            received.add(request);
            received.notifyAll();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String body) {
        try {
            return json.readValue(body, Map.class);
        } catch (IOException notJson) {
            return Map.of();
        }
    }

    /** What the operations guide tells a receiver to do: HMAC-SHA256 of "t.body" with its secret, compared. */
    public static boolean verifies(String secret, String header, String body) {
        if (secret == null || header == null || !header.startsWith("t=") || !header.contains(",v1=")) {
            return false;
        }
        String timestamp = header.substring(2, header.indexOf(','));
        String given = header.substring(header.indexOf(",v1=") + 4);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body)
                    .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static void awaitQuietly(CountDownLatch latch, long seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        holds.values().forEach(Hold::release);
        server.stop(0);
        threads.shutdownNow();
    }
}
