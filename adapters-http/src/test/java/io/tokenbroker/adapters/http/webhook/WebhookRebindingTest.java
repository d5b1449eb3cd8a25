package io.tokenbroker.adapters.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.EgressDnsResolver;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.testing.RecordingScheduler;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.TenantId;
import io.tokenbroker.domain.egress.AllowedHosts;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.SavedBy;
import io.tokenbroker.domain.resilience.Backoff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding of a webhook receiver's name, on loopback only: the receiver is configured as {@code localhost}, which
 * the JVM's own resolver answers with 127.0.0.1 and the egress guard's scripted resolver answers as each test says.
 * 127.0.0.2 is the address the policy allows, 127.0.0.1 the one it refuses; a receiver listens on 127.0.0.1 at the
 * same port, so a client that resolved the name itself, past the guard, would be seen delivering there.
 */
class WebhookRebindingTest {

    private static final String SECRET = "rebind-webhook-secret-of-at-least-32-chars";
    private static final String NAME = "localhost";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final RandomGenerator RANDOM = new java.util.Random(7);

    private final InetAddress allowed = address(127, 0, 0, 2);
    private final InetAddress refused = address(127, 0, 0, 1);
    private final ScriptedResolver resolver = new ScriptedResolver();
    /** Tenants may reach 127.0.0.2 and no other private address; see {@link #events(SavedBy)}. */
    private final EgressGuard guard = new EgressGuard(new EgressPolicy(AllowedHosts.of(List.of("127.0.0.2/32"))),
            resolver);
    private final RecordingScheduler scheduler = new RecordingScheduler(1, "webhook-rebinding-test");
    private WebhookReceiver atRefused;

    @BeforeEach
    void start() {
        atRefused = new WebhookReceiver(refused, 0, Map.of("/acme", SECRET));
    }

    @AfterEach
    void stop() {
        atRefused.close();
        scheduler.shutdownNow();
    }

    @Test
    void aNameThatRebindsToARefusedAddressIsNotDeliveredThereAndTheRefusalIsCounted() throws Exception {
        WebhookConnectionEvents events = events(SavedBy.TENANT);
        // The first lookup answers the allowed address, which takes the connection and closes it unanswered: the
        // retry needs a new connection, and by then the name has rebound to the refused address.
        resolver.answerInTurn(NAME, allowed, refused);
        try (SilentListener atAllowed = new SilentListener(allowed, atRefused.port())) {

            events.publish(event());
            drain(events);

            assertEquals(List.of(), atRefused.all(), "nothing reached the refused address");
            assertEquals(1, events.refused(), "the rebound attempt counts as refused");
            assertEquals(0, events.delivered());
            assertEquals(0, events.givenUp(), "a refusal is not retried, so never given up on");
            assertEquals(1, events.retried(), "the unanswered first attempt");
            assertEquals(1, atAllowed.accepted(), "the first attempt went where the guard's first answer said");
            assertEquals(1, scheduler.delays().size(), "one retry, none after the refusal");
        }
    }

    @Test
    void theReceiverIsConnectedToAtTheAddressTheGuardCheckedNotTheJvms() throws Exception {
        resolver.answerInTurn(NAME, allowed);
        try (WebhookReceiver atAllowed = new WebhookReceiver(allowed, atRefused.port(), Map.of("/acme", SECRET))) {
            WebhookConnectionEvents events = events(SavedBy.OPERATOR);

            events.publish(event());
            atAllowed.await(received -> true, 1);
            drain(events);

            assertEquals(1, events.delivered());
            assertEquals(List.of(), atRefused.all(), "the JVM's answer for the name was never used");
        }
    }

    /**
     * Receivers are judged as operator-saved in production, and operators may reach every loopback address: the
     * rebinding test judges them as a tenant's, so that one loopback address can stand for a refused one.
     */
    private WebhookConnectionEvents events(SavedBy judgedAs) {
        WebhookTargets targets = new WebhookTargets(Map.of(new TenantId("acme"),
                Target.of(URI.create("http://" + NAME + ":" + atRefused.port() + "/acme"), SECRET)), Optional.empty());
        WebhookConnectionEvents.Settings settings = new WebhookConnectionEvents.Settings(
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), RANDOM), 3, LONG, 10, 1, LONG);
        return new WebhookConnectionEvents(new InMemoryConnectionEvents(10), targets, JsonMapper.createDefault(),
                new EgressDnsResolver(guard, judgedAs), Clock.fixed(NOW, ZoneOffset.UTC), RANDOM, settings, scheduler);
    }

    private static ConnectionEvent event() {
        return new ConnectionEvent(ConnectionKey.of("acme", "crm"), ConnectionEvent.Type.REFRESH_FAILED, NOW,
                "invalid_grant");
    }

    /** Waits until every accepted delivery has finished (the grace is far longer than any needs). */
    private static void drain(WebhookConnectionEvents events) {
        events.close();
        assertEquals(0, events.lostAtShutdown(), "every delivery finished within the grace");
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** What a rebinding DNS server with a zero TTL answers: each address in turn, one per lookup, then the last. */
    private static final class ScriptedResolver implements EgressGuard.HostResolver {

        private final Map<String, Deque<InetAddress>> scripts = new java.util.concurrent.ConcurrentHashMap<>();

        void answerInTurn(String host, InetAddress... addresses) {
            scripts.put(host, new ArrayDeque<>(List.of(addresses)));
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            Deque<InetAddress> answers = scripts.get(host);
            if (answers == null) {
                throw new UnknownHostException(host);
            }
            synchronized (answers) {
                InetAddress next = answers.size() > 1 ? answers.poll() : answers.peek();
                return new InetAddress[] {InetAddress.getByAddress(host, next.getAddress())};
            }
        }
    }

    /** Accepts connections on one address and closes each at once, unanswered; counts them. */
    private static final class SilentListener implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket();
        private final AtomicInteger accepted = new AtomicInteger();

        SilentListener(InetAddress address, int port) throws IOException {
            socket.bind(new InetSocketAddress(address, port));
            Thread thread = new Thread(this::serve, "silent-listener");
            thread.setDaemon(true);
            thread.start();
        }

        int accepted() {
            return accepted.get();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    if (!socket.isClosed()) {
                        throw new UncheckedIOException(closed);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
