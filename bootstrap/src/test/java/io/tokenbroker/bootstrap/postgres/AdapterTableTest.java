package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.postgres.JdbcApiKeys;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.JdbcReauthorisations;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.inmemory.InMemoryApiKeys;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryRefreshSchedule;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.bootstrap.AdapterSelection;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The adapter table of a real start, for the three shapes the broker runs in: the embedded default, with Redis,
 * with Redis and PostgreSQL (real servers); the beans serving the ports are the ones the table names, and the table
 * is logged once, one line per port.
 */
class AdapterTableTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AdapterSelection.class);

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    private static String table(ApplicationContext context) {
        return context.getBean(AdapterSelection.class).table().entrySet().stream()
                .map(row -> row.getKey().key() + "=" + row.getValue().adapter().name().toLowerCase())
                .collect(Collectors.joining(", "));
    }

    private void assertLoggedOnce(ApplicationContext context) {
        List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("adapter for ")).toList();
        assertEquals(context.getBean(AdapterSelection.class).lines(), lines);
        assertEquals(AdapterSelection.Port.values().length, lines.size());
    }

    @Test
    void theEmbeddedDefaultServesEveryPortFromMemory() {
        try (ApplicationContext context = ApplicationContext.run()) {
            assertEquals("tokens=memory, leases=memory, refresh-schedule=memory, rate-limits=memory, "
                    + "idempotency=memory, key-revocations=memory, circuits=memory, connect-attempts=memory, connections=memory, "
                    + "reauthorisations=memory, "
                    + "refresh-log=memory, api-keys=memory", table(context));
            assertLoggedOnce(context);
            assertInstanceOf(InMemoryTokenStore.class, context.getBean(TokenStore.class));
            assertInstanceOf(InMemoryLockManager.class, context.getBean(LockManager.class));
            assertInstanceOf(InMemoryRefreshSchedule.class, context.getBean(RefreshSchedule.class));
            assertSame(KeyRevocations.NONE, context.getBean(KeyRevocations.class));
            assertInstanceOf(InMemoryConnections.class, context.getBean(Connections.class));
            assertInstanceOf(InMemoryRefreshLog.class, context.getBean(RefreshLog.class));
            assertInstanceOf(InMemoryApiKeys.class, context.getBean(ApiKeys.class));
        }
    }

    @Test
    void redisServesTheSharedPortsAndMemoryTheRest() {
        try (LocalRedis redis = LocalRedis.start();
                ApplicationContext context = ApplicationContext.run(Map.of("redis.uri", redis.uri(),
                TestKeyRing.PROPERTY, TestKeyRing.KEYS))) {
            assertEquals("tokens=redis, leases=redis, refresh-schedule=redis, rate-limits=redis, "
                    + "idempotency=redis, key-revocations=redis, circuits=redis, connect-attempts=redis, connections=memory, "
                    + "reauthorisations=memory, "
                    + "refresh-log=memory, api-keys=memory", table(context));
            assertLoggedOnce(context);
            RedisAdapters adapters = context.getBean(RedisAdapters.class);
            assertSame(adapters.tokenStore(), context.getBean(TokenStore.class));
            assertSame(adapters.lockManager(), context.getBean(LockManager.class));
            assertSame(adapters.refreshSchedule(), context.getBean(RefreshSchedule.class));
            assertSame(adapters.rateLimits(), context.getBean(RateLimits.class));
            assertSame(adapters.keyRevocations(), context.getBean(KeyRevocations.class));
            assertInstanceOf(InMemoryConnections.class, context.getBean(Connections.class));
        }
    }

    @Test
    void redisAndPostgresServeEveryPortBetweenThem() {
        LocalRedis redis = LocalRedis.start();
        Map<String, Object> properties = new HashMap<>();
        properties.put("redis.uri", redis.uri());
        properties.put("datasources.default.url", TestDatabase.jdbcUrl(TestDatabase.shared()));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertEquals("tokens=redis, leases=redis, refresh-schedule=redis, rate-limits=redis, "
                    + "idempotency=redis, key-revocations=redis, circuits=redis, connect-attempts=redis, connections=postgres, "
                    + "reauthorisations=postgres, "
                    + "refresh-log=postgres, api-keys=postgres", table(context));
            assertLoggedOnce(context);
            assertSame(context.getBean(RedisAdapters.class).tokenStore(), context.getBean(TokenStore.class));
            assertSame(context.getBean(JdbcConnections.class), context.getBean(Connections.class));
            assertSame(context.getBean(JdbcReauthorisations.class), context.getBean(Reauthorisations.class));
            assertSame(context.getBean(JdbcRefreshLog.class), context.getBean(RefreshLog.class));
            assertSame(context.getBean(JdbcApiKeys.class), context.getBean(ApiKeys.class));
        } finally {
            redis.stop();
        }
    }

    @Test
    void anImpossibleCombinationStopsTheStartSayingWhy() {
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> ApplicationContext.run(Map.of("tokenbroker.adapters.tokens", "redis")).close());

        Throwable cause = refused;
        while (cause.getCause() != null && !(cause instanceof IllegalStateException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("tokenbroker.adapters.tokens=redis but no Redis is configured"),
                cause.getMessage());
    }

}
