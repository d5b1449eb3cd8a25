package io.tokenbroker.archfixture.bootstrap;

/** The fixture's composition root. */
public class Wiring {
    io.tokenbroker.archfixture.adapters.http.HttpAdapterUsingBootstrap http;
    io.tokenbroker.archfixture.adapters.redis.RedisAdapterUsingPostgres redis;
}
