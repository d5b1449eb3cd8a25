package io.tokenbroker.adapters.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import redis.embedded.RedisServer;

/** A real Redis 6.2 server on a free loopback port, from the embedded-redis artifact; restartable on that port. */
final class EmbeddedRedis implements AutoCloseable {

    private final int port;
    private RedisServer server;

    private EmbeddedRedis(int port) {
        this.port = port;
    }

    static EmbeddedRedis start() {
        EmbeddedRedis redis = new EmbeddedRedis(freePort());
        redis.startServer();
        return redis;
    }

    void startServer() {
        try {
            // No persistence: a restart comes back empty, the case fencing must survive.
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    void stopServer() {
        try {
            server.stop();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    RedisURI uri() {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(Duration.ofSeconds(2)).build();
    }

    RedisClient client() {
        return RedisClient.create(uri());
    }

    @Override
    public void close() {
        stopServer();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }
}
