package io.tokenbroker.archfixture.application;

/** Broken on purpose: a use case that talks JDBC. */
public class JdbcInTheApplication {
    java.sql.Connection connection;
    io.tokenbroker.archfixture.domain.FrameworkInTheDomain model;
}
