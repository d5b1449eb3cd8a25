package io.tokenbroker.archfixture.adapters.postgres;

/** A well-behaved adapter, so the rules have something on each side. */
public class PostgresAdapter {
    io.tokenbroker.archfixture.application.JdbcInTheApplication port;
}
