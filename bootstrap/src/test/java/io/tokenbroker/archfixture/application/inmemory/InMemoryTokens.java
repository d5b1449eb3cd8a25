package io.tokenbroker.archfixture.application.inmemory;

import io.tokenbroker.archfixture.application.port.out.Tokens;

/** A well-behaved in-memory adapter: a class implementing its port. */
public class InMemoryTokens implements Tokens {
}
