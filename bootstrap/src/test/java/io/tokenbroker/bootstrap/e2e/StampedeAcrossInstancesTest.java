package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.e2e.RedisMonitor.Command;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stampede over two instances on one Redis, counted command by command with Redis's {@code MONITOR}: instance a
 * holds the lease while its upstream call is held at a gate, instance b's callers wait. What b does once a's token
 * lands is the stampede's tail: one read of the token, never the lease. The lease's ttl and the recheck are long,
 * so nothing but a message can wake b within the test.
 */
class StampedeAcrossInstancesTest {

    private static final String CLIENT_ID = "stampede-client";
    private static final String CLIENT_SECRET = "stampede-secret-never-echoed";
    private static final int CALLERS = 20;
    private static final String PATH = "/v1/tenants/acme/connections/hot/token";
    private static final String TOKEN_KEY = "tb:{acme:hot}:token";
    private static final String LEASE_KEY = "tb:{acme:hot}:lease";
    private static final String CHANNEL = "tb:{acme:hot}:events";

    private LocalRedis redis;
    private EmbeddedServer a;
    private EmbeddedServer b;

    @BeforeEach
    void start() {
        redis = LocalRedis.start();
        a = instance();
        b = instance();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        redis.close();
    }

    @Test
    void waitersOnAnotherInstanceEndOnTheStoredTokenWithOneReadAndNoLease() throws Exception {
        try (GatedUpstream upstream = new GatedUpstream(); RedisMonitor monitor = RedisMonitor.start(redis.port())) {
            register(upstream);
            List<CompletableFuture<HttpResponse<String>>> calls = stampede(upstream);

            upstream.openGate();

            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("gate-1", body(response).get("access_token"));
            }
            assertEquals(1, upstream.requests());
            List<Command> commands = monitor.commandsUntilNow(redis.port());
            int stored = storedMessage(commands);
            // a's client ran the script that stored the token; b's is the other one that tried the lease before.
            String clientOfA = commands.subList(0, stored).stream().map(Command::client)
                    .filter(client -> !client.equals("lua")).reduce((first, last) -> last).orElseThrow();
            Set<String> clientsOfB = commands.subList(0, stored).stream()
                    .filter(command -> command.names(LEASE_KEY)).map(Command::client)
                    .filter(client -> !client.equals("lua") && !client.equals(clientOfA)).collect(Collectors.toSet());
            assertEquals(1, clientsOfB.size(), "b's waiter found the lease held before the token landed");
            // b reads tokens over its event loops' own read connections, other clients than its lease's: every
            // client but a's command connection is b's here (a's callers joined a's flight without a read).
            List<List<String>> bAfterTheMessage = commands.subList(stored + 1, commands.size()).stream()
                    .filter(command -> !command.client().equals(clientOfA) && !command.client().equals("lua"))
                    .filter(command -> command.names(TOKEN_KEY) || command.names(LEASE_KEY))
                    .map(Command::words).toList();
            assertEquals(List.of(List.of("HGETALL", TOKEN_KEY)), bAfterTheMessage,
                    "b's commands on the token and the lease after the stored-token message");
            MeterRegistry metersOfB = b.getApplicationContext().getBean(MeterRegistry.class);
            assertEquals(1, metersOfB.get("tokenbroker.lease.wait").tag("acquired", "unneeded").timer().count());
            assertEquals(0, metersOfB.get("tokenbroker.lease.wait").tag("acquired", "false").timer().count(),
                    "a wait the token ended is no lease timeout");
        }
    }

    @Test
    void whenTheHolderFailsAWaiterOnAnotherInstanceTakesTheLeaseAndRefreshes() throws Exception {
        try (GatedUpstream upstream = new GatedUpstream(401)) {
            register(upstream);
            List<CompletableFuture<HttpResponse<String>>> calls = stampede(upstream);

            upstream.openGate();

            Set<Object> tokensOnB = new HashSet<>();
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<String> response = calls.get(i).get(60, TimeUnit.SECONDS);
                if (onA(i)) {
                    assertEquals(502, response.statusCode(), "a: " + response.body());
                } else {
                    assertEquals(200, response.statusCode(), "b: " + response.body());
                    tokensOnB.add(body(response).get("access_token"));
                }
            }
            assertEquals(Set.of("gate-2"), tokensOnB, "b refreshed once, for all of its callers");
            assertEquals(2, upstream.requests());
        }
    }

    /**
     * One call on a, held at the gate with a's lease; then {@link #CALLERS} on each instance, alternating a and b,
     * returned once every one of them is waiting: a's for a's flight, b's for b's, whose leader waits for the lease.
     */
    private List<CompletableFuture<HttpResponse<String>>> stampede(GatedUpstream upstream)
            throws InterruptedException {
        BrokerClient onA = new BrokerClient(a.getURI());
        BrokerClient onB = new BrokerClient(b.getURI());
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        calls.add(onA.getAsync(PATH));
        upstream.awaitFirstRequest();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(onA.getAsync(PATH));
            calls.add(onB.getAsync(PATH));
        }
        // a's holder is at the gate and b's leader waits for the lease: every other caller waits in a flight.
        awaitWaiting(2 * CALLERS - 1, List.of(a, b));
        return calls;
    }

    /** Whether {@link #stampede}'s call number {@code i} went to a. */
    private static boolean onA(int i) {
        return i % 2 == 1 || i == 0;
    }

    /**
     * Until that many callers wait for a flight on these instances (on a thread or, joined without one, not) and a
     * thread waits for a Redis lease.
     */
    private static void awaitWaiting(int inFlights, List<EmbeddedServer> instances) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            int joined = instances.stream().mapToInt(instance -> instance.getApplicationContext()
                    .getBean(GetAccessTokenService.class).waitingForRefresh()).sum();
            boolean leaseWaiter = false;
            for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                leaseWaiter |= waitsIn(stack, "RedisLockManager");
            }
            if (joined >= inFlights && leaseWaiter) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "callers waiting in flights: " + joined + ", lease waiter: "
                    + leaseWaiter);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static boolean waitsIn(StackTraceElement[] stack, String className) {
        return Arrays.stream(stack).anyMatch(frame -> frame.getClassName().endsWith("." + className)
                && frame.getMethodName().equals("await"));
    }

    private static int storedMessage(List<Command> commands) {
        for (int i = 0; i < commands.size(); i++) {
            Command command = commands.get(i);
            if (command.is("PUBLISH") && command.names(CHANNEL)
                    && command.words().get(2).startsWith("stored:")) {
                return i;
            }
        }
        throw new AssertionError("no stored-token message in " + commands.stream().map(Command::words)
                .map(Object::toString).collect(Collectors.joining("\n")));
    }

    private EmbeddedServer instance() {
        return ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "redis.uri", redis.uri(),
                TestKeyRing.PROPERTY, TestKeyRing.KEYS,
                // Generous: on a loaded machine a short one fails open, and instances then fetch on their own.
                "tokenbroker.redis.command-timeout", "5s",
                // Long: within the test only a message wakes a waiter, never the end of a wait.
                "tokenbroker.redis.lease-recheck", "120s",
                "tokenbroker.lease.ttl", "120s",
                "tokenbroker.lease.max-wait", "120s"));
    }

    private void register(GatedUpstream upstream) {
        for (EmbeddedServer server : List.of(a, b)) {
            HttpResponse<String> response = new BrokerClient(server.getURI()).put("/v1/tenants/acme/connections/hot",
                    "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\""
                            + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\","
                            + "\"auth_method\":\"client_secret_basic\"}");
            assertEquals(201, response.statusCode(), response.body());
        }
    }
}
