package io.tokenbroker.archfixture.domain;

/** Broken on purpose: the domain reaching up into the application. */
public class DomainUsingTheApplication {
    io.tokenbroker.archfixture.application.JdbcInTheApplication service;
}
