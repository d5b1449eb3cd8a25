package io.tokenbroker.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.tokenbroker.bootstrap.AdapterSelection.Adapter;
import io.tokenbroker.bootstrap.AdapterSelection.Port;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of the selection, on configuration alone: which adapter each port gets, and what stops a start. */
class AdapterSelectionTest {

    private static final String REDIS = "redis://127.0.0.1:6379";
    private static final String DATASOURCE = "jdbc:postgresql://127.0.0.1:5432/tokenbroker";

    private static AdapterSelection select(Map<String, Object> properties) {
        return AdapterSelection.from(new PropertySourcePropertyResolver(PropertySource.of("test", properties)));
    }

    private static String refused(Map<String, Object> properties) {
        return assertThrows(IllegalStateException.class, () -> select(properties)).getMessage();
    }

    private static Map<Port, Adapter> adapters(AdapterSelection selection) {
        Map<Port, Adapter> adapters = new EnumMap<>(Port.class);
        selection.table().forEach((port, choice) -> adapters.put(port, choice.adapter()));
        return adapters;
    }

    /** Every port on one adapter, except the ones given. */
    private static Map<Port, Adapter> expected(Adapter shared, Adapter durable, Map<Port, Adapter> except) {
        Map<Port, Adapter> expected = new EnumMap<>(Port.class);
        for (Port port : Port.values()) {
            expected.put(port, except.getOrDefault(port, port.offers(Adapter.REDIS) ? shared : durable));
        }
        return expected;
    }

    @Test
    void nothingConfiguredServesEveryPortFromMemory() {
        assertEquals(expected(Adapter.MEMORY, Adapter.MEMORY, Map.of()), adapters(select(Map.of())));
    }

    @Test
    void redisTakesTheSharedPortsAndADatasourceTheDurableOnes() {
        assertEquals(expected(Adapter.REDIS, Adapter.MEMORY, Map.of()),
                adapters(select(Map.of("redis.uri", REDIS))));
        assertEquals(expected(Adapter.REDIS, Adapter.MEMORY, Map.of()),
                adapters(select(Map.of("redis.uris", REDIS + ",redis://127.0.0.1:6380"))));
        assertEquals(expected(Adapter.MEMORY, Adapter.POSTGRES, Map.of()),
                adapters(select(Map.of("datasources.default.url", DATASOURCE))));
        assertEquals(expected(Adapter.REDIS, Adapter.POSTGRES, Map.of()),
                adapters(select(Map.of("redis.uri", REDIS, "datasources.default.url", DATASOURCE))));
    }

    @Test
    void anOverrideMovesOnePortAndSaysSoInTheTable() {
        AdapterSelection selection = select(Map.of("redis.uri", REDIS, "datasources.default.url", DATASOURCE,
                "tokenbroker.adapters.rate-limits", "memory", "tokenbroker.adapters.refresh-log", "MEMORY"));

        assertEquals(expected(Adapter.REDIS, Adapter.POSTGRES,
                Map.of(Port.RATE_LIMITS, Adapter.MEMORY, Port.REFRESH_LOG, Adapter.MEMORY)), adapters(selection));
        assertEquals("tokenbroker.adapters.rate-limits=memory", selection.table().get(Port.RATE_LIMITS).because());
        assertEquals("Redis is configured", selection.table().get(Port.TOKENS).because());
    }

    @Test
    void theTableIsOneLinePerPortInPortOrder() {
        var lines = select(Map.of("redis.uri", REDIS)).lines();

        assertEquals(Port.values().length, lines.size());
        assertEquals("adapter for tokens:            redis    (Redis is configured)", lines.get(0));
        assertEquals("adapter for api-keys:          memory   (no datasource configured)",
                lines.get(lines.size() - 1));
    }

    @Test
    void bothRedisSwitchesAreRefused() {
        assertTrue(refused(Map.of("redis.uri", REDIS, "redis.uris", REDIS)).contains(
                "redis.uri (standalone or Sentinel) and redis.uris (Cluster) are both set"));
    }

    @Test
    void aClusterNodeListInTheSingleNodeSwitchIsRefusedButASentinelListIsNot() {
        assertTrue(refused(Map.of("redis.uri", REDIS + ",redis://127.0.0.1:6380")).contains(
                "redis.uri holds several node URIs: a Redis Cluster's nodes go in redis.uris"));
        assertEquals(Adapter.REDIS, select(Map.of("redis.uri",
                "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/0#primary")).of(Port.TOKENS));
    }

    @Test
    void anOverrideNamingMissingInfrastructureIsRefused() {
        assertTrue(refused(Map.of("tokenbroker.adapters.tokens", "redis")).contains(
                "tokenbroker.adapters.tokens=redis but no Redis is configured"));
        assertTrue(refused(Map.of("tokenbroker.adapters.connections", "postgres")).contains(
                "tokenbroker.adapters.connections=postgres but no datasource is configured"));
    }

    @Test
    void anOverrideNamingATechnologyThePortHasNotIsRefused() {
        assertTrue(refused(Map.of("datasources.default.url", DATASOURCE, "tokenbroker.adapters.tokens", "postgres"))
                .contains("tokenbroker.adapters.tokens=postgres: tokens can be served by memory or redis"));
        assertTrue(refused(Map.of("tokenbroker.adapters.leases", "etcd"))
                .contains("tokenbroker.adapters.leases=etcd: leases can be served by memory or redis"));
    }

    @Test
    void everyProblemIsNamedAtOnceAndAnUnknownPortIsOne() {
        String message = refused(Map.of("redis.uri", REDIS, "redis.uris", REDIS,
                "tokenbroker.adapters.token", "memory", "tokenbroker.adapters.api-keys", "postgres"));

        assertTrue(message.startsWith("impossible adapter configuration: "), message);
        assertTrue(message.contains("are both set"), message);
        assertTrue(message.contains("tokenbroker.adapters.api-keys=postgres but no datasource"), message);
        assertTrue(message.contains("tokenbroker.adapters.token: no such port (ports: tokens, leases, "), message);
    }

    @Test
    void anEnvironmentVariablesDottedSpellingOfATwoWordPortIsNoStranger() {
        AdapterSelection selection = select(Map.of("tokenbroker.adapters.refresh.log", "memory",
                "tokenbroker.adapters.refresh-log", "memory"));

        assertEquals(Adapter.MEMORY, selection.of(Port.REFRESH_LOG));
    }
}
