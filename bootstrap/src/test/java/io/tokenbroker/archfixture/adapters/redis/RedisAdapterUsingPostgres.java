package io.tokenbroker.archfixture.adapters.redis;

/** Broken on purpose: one adapter calling another. */
public class RedisAdapterUsingPostgres {
    io.tokenbroker.archfixture.adapters.postgres.PostgresAdapter postgres;
}
