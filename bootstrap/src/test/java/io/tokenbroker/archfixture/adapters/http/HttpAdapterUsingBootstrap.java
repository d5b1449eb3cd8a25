package io.tokenbroker.archfixture.adapters.http;

/** Broken on purpose: an adapter depending on the wiring. */
public class HttpAdapterUsingBootstrap {
    io.tokenbroker.archfixture.bootstrap.Wiring wiring;
}
