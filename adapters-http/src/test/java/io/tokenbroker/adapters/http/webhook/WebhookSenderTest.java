package io.tokenbroker.adapters.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.EgressDnsResolver;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.testing.RecordingScheduler;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.IpLiteral;
import io.tokenbroker.domain.egress.SavedBy;
import io.tokenbroker.domain.resilience.Backoff;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One attempt on the wire against a receiver on a plain loopback socket, which answers what each test scripts and
 * notes the request heads and when the client closes the connection.
 */
class WebhookSenderTest {

    private static final String SECRET = "sender-webhook-secret-of-at-least-32-chars";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final byte[] BODY = "{\"type\":\"refresh_failed\"}".getBytes(StandardCharsets.UTF_8);

    /** IP literals only: the receiver listens on 127.0.0.1, which operators may reach. */
    private final EgressGuard guard = new EgressGuard(EgressPolicy.defaults(), host -> new InetAddress[] {
            InetAddress.getByAddress(IpLiteral.parse(host).orElseThrow(() -> new UnknownHostException(host)))});
    private final WebhookSender sender = new WebhookSender(WebhookSender.client(
            new EgressDnsResolver(guard, SavedBy.OPERATOR), Duration.ofSeconds(30), 4), Clock.fixed(NOW, ZoneOffset.UTC));
    private final ScriptedReceiver receiver = new ScriptedReceiver();

    @AfterEach
    void stop() throws IOException {
        sender.close();
        receiver.close();
    }

    @Test
    void aRedirectIsAnsweredNotFollowedAndTheRequestSaysWhoSentIt() throws Exception {
        receiver.answer("HTTP/1.1 302 Found\r\nLocation: " + receiver.url("/elsewhere") + "\r\nContent-Length: 0\r\n\r\n");

        assertEquals(302, sender.send(target(), BODY).get(30, TimeUnit.SECONDS));

        List<String> head = receiver.heads().get(0);
        assertEquals("POST /hook HTTP/1.1", head.get(0));
        assertTrue(head.contains("User-Agent: tokenbroker-webhooks"), head.toString());
        assertTrue(head.contains("Content-Type: application/json"), head.toString());
        assertTrue(head.contains("Content-Length: " + BODY.length), head.toString());
        assertTrue(head.stream().anyMatch(line -> line.startsWith(WebhookConnectionEvents.SIGNATURE_HEADER + ": t="
                + NOW.getEpochSecond() + ",v1=")), head.toString());
        assertEquals(1, receiver.heads().size(), "the Location was not followed");
    }

    @Test
    void anAnswerBodyPastTheBoundFailsTheAttemptAndClosesItsConnection() throws Exception {
        int length = StatusOnly.MAX_BODY_BYTES * 4;
        receiver.answer("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n" + "x".repeat(length));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> sender.send(target(), BODY).get(30, TimeUnit.SECONDS));

        assertTrue(failed.getCause().getMessage().contains("over " + StatusOnly.MAX_BODY_BYTES + " bytes"),
                failed.getCause().toString());
        assertTrue(receiver.closedByClient().await(30, TimeUnit.SECONDS), "the connection was closed");
    }

    @Test
    void cancellingTheAttemptClosesItsConnection() throws Exception {
        CompletableFuture<Integer> answer = sender.send(target(), BODY);
        assertTrue(receiver.requestRead().await(30, TimeUnit.SECONDS), "the request arrived; no answer is scripted");

        answer.cancel(true);

        assertTrue(receiver.closedByClient().await(30, TimeUnit.SECONDS), "the connection was closed");
    }

    @Test
    void closingTheSenderClosesItsPooledConnections() throws Exception {
        receiver.answer("HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals(204, sender.send(target(), BODY).get(30, TimeUnit.SECONDS));
        assertEquals(1, receiver.closedByClient().getCount(), "kept alive in the pool");

        sender.close();

        assertTrue(receiver.closedByClient().await(30, TimeUnit.SECONDS), "the pooled connection was closed");
    }

    @Test
    void closingTheEventsClosesTheirClientAndItsConnections() throws Exception {
        receiver.answer("HTTP/1.1 204 No Content\r\n\r\n");
        RecordingScheduler deliveries = new RecordingScheduler(1, "webhook-sender-test");
        WebhookConnectionEvents events = new WebhookConnectionEvents(new InMemoryConnectionEvents(10),
                new WebhookTargets(Map.of(), Optional.of(target())), JsonMapper.createDefault(),
                new EgressDnsResolver(guard, SavedBy.OPERATOR), Clock.fixed(NOW, ZoneOffset.UTC), new Random(1),
                new WebhookConnectionEvents.Settings(new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1),
                        new Random(1)), 1, Duration.ofSeconds(30), 10, 1, Duration.ofSeconds(30)), deliveries);
        try {
            events.publish(new ConnectionEvent(ConnectionKey.of("acme", "crm"), ConnectionEvent.Type.REFRESH_FAILED,
                    NOW, "invalid_grant"));

            events.close();

            assertEquals(1, events.delivered(), "delivered within the grace");
            assertTrue(receiver.closedByClient().await(30, TimeUnit.SECONDS), "the pooled connection was closed");
        } finally {
            deliveries.shutdownNow();
        }
    }

    private Target target() {
        return Target.of(receiver.url("/hook"), SECRET);
    }

    /**
     * Serves one connection: reads each request (head and {@code Content-Length} body), answers the next scripted
     * answer or, with none left, nothing; counts down {@code closedByClient} when the client closes the connection.
     */
    private static final class ScriptedReceiver implements AutoCloseable {

        private final ServerSocket socket;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final List<List<String>> heads = new ArrayList<>();
        private final CountDownLatch requestRead = new CountDownLatch(1);
        private final CountDownLatch closedByClient = new CountDownLatch(1);

        ScriptedReceiver() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
            } catch (IOException failed) {
                throw new IllegalStateException(failed);
            }
            Thread thread = new Thread(this::serve, "scripted-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        }

        void answer(String raw) {
            answers.add(raw);
        }

        synchronized List<List<String>> heads() {
            return List.copyOf(heads);
        }

        CountDownLatch requestRead() {
            return requestRead;
        }

        CountDownLatch closedByClient() {
            return closedByClient;
        }

        private void serve() {
            try (Socket connection = socket.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = connection.getOutputStream();
                List<String> head;
                while ((head = readRequest(in)) != null) {
                    synchronized (this) {
                        heads.add(head);
                    }
                    requestRead.countDown();
                    String answer = answers.poll();
                    if (answer != null) {
                        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
                closedByClient.countDown();
            } catch (IOException reset) {
                closedByClient.countDown();
            }
        }

        /** The request's head lines, its body read and dropped; null once the client has closed the connection. */
        private static List<String> readRequest(BufferedReader in) throws IOException {
            List<String> head = new ArrayList<>();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line);
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            if (head.isEmpty()) {
                return null;
            }
            for (int i = 0; i < length; i++) {
                in.read();
            }
            return head;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
