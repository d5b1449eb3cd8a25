package io.tokenbroker.archfixture.application.port.in;

import io.tokenbroker.archfixture.application.port.out.Tokens;

/** Broken on purpose: an in-port whose callers would have to know a driven-side type. */
public interface InPortUsingAnOutPort {

    Tokens tokens();
}
