package io.tokenbroker.archfixture.domain;

/** Broken on purpose: a domain type that leans on the framework. */
public class FrameworkInTheDomain {
    io.micronaut.json.JsonMapper mapper;
}
