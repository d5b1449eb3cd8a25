package io.tokenbroker.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/** A real Redis server from the embedded-redis artifact on a free loopback port, without persistence. */
public final class LocalRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private LocalRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** @param settings extra {@code redis.conf} lines, after the defaults (no snapshots, no append-only file) */
    public static LocalRedis start(String... settings) {
        int port = LocalPorts.free();
        RedisServerBuilder builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no");
        for (String setting : settings) {
            builder.setting(setting);
        }
        try {
            LocalRedis redis = new LocalRedis(builder.build(), port);
            redis.restart();
            return redis;
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    public int port() {
        return port;
    }

    /** For {@code redis.uri}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server (idempotent); what a test does to cut Redis away under a running broker. */
    public void stop() {
        try {
            server.stop();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** Starts the server again on its port, empty: Redis coming back after {@link #stop()}. */
    public void restart() {
        try {
            server.start();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
