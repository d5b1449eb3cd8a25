package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.e2e.RedisMonitor.Command;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis commands on a lease holder's path, counted with Redis's {@code MONITOR}: one refresh of a cold connection
 * on a closed circuit. Every command there is a round trip that one in-memory instance does not make, and the
 * stampede's callers on every instance wait for the token behind them.
 */
class HolderRoundTripsTest {

    private static final String PATH = "/v1/tenants/acme/connections/cold/token";
    private static final String TOKEN_KEY = "tb:{acme:cold}:token";
    private static final String LEASE_KEY = "tb:{acme:cold}:lease";
    private static final String CIRCUITS_KEY = "tb:{circuits}:all";

    private LocalRedis redis;
    private EmbeddedServer instance;

    @BeforeEach
    void start() {
        redis = LocalRedis.start();
        instance = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "redis.uri", redis.uri(),
                TestKeyRing.PROPERTY, TestKeyRing.KEYS,
                // Generous: on a loaded machine a short one fails open, and nothing would reach Redis.
                "tokenbroker.redis.command-timeout", "5s"));
    }

    @AfterEach
    void stop() {
        instance.close();
        redis.close();
    }

    @Test
    void betweenItsLeaseAndItsStoredTokenTheHolderReadsOnlyTheCircuitOnce() throws Exception {
        try (GatedUpstream upstream = new GatedUpstream(); RedisMonitor monitor = RedisMonitor.start(redis.port())) {
            BrokerClient client = new BrokerClient(instance.getURI());
            HttpResponse<String> saved = client.put("/v1/tenants/acme/connections/cold", "{\"provider\":\"oauth2\","
                    + "\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"c\",\"client_secret\":\"s\","
                    + "\"auth_method\":\"client_secret_basic\"}");
            assertEquals(201, saved.statusCode(), saved.body());
            upstream.openGate();

            HttpResponse<String> response = client.get(PATH);

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("gate-1", body(response).get("access_token"));
            List<Command> sent = monitor.commandsUntilNow(redis.port()).stream()
                    .filter(command -> !command.client().equals("lua")).toList();
            int acquired = first(sent, command -> command.is("EVAL") && command.names(LEASE_KEY));
            // The token's script names the token key but not the lease's (the acquire script names both).
            int stored = first(sent, command -> command.is("EVAL") && command.names(TOKEN_KEY)
                    && !command.names(LEASE_KEY));
            List<List<String>> between = sent.subList(acquired + 1, stored).stream()
                    .filter(command -> command.names(TOKEN_KEY) || readsCircuit(command))
                    .map(Command::words).toList();
            assertEquals(List.of(List.of("HGET", CIRCUITS_KEY, "acme:cold")), between,
                    "the holder's reads between its lease and its stored token");
            assertEquals(1, sent.stream().filter(HolderRoundTripsTest::readsCircuit).count(),
                    "the refresh's reads of its circuit, before the lease, under it and after the token");
        }
    }

    /** One connection's circuit; the gauges' {@code HGETALL} of every circuit is no refresh's. */
    private static boolean readsCircuit(Command command) {
        return command.is("HGET") && command.names(CIRCUITS_KEY);
    }

    private static int first(List<Command> commands, Predicate<Command> wanted) {
        for (int i = 0; i < commands.size(); i++) {
            if (wanted.test(commands.get(i))) {
                return i;
            }
        }
        throw new AssertionError("not sent: " + commands.stream().map(Command::words).map(Object::toString)
                .collect(Collectors.joining("\n")));
    }
}
