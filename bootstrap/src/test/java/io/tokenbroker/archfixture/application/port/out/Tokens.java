package io.tokenbroker.archfixture.application.port.out;

/** A well-placed out-port. */
public interface Tokens {
}
