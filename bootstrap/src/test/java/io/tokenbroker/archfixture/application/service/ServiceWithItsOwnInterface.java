package io.tokenbroker.archfixture.application.service;

/** Broken on purpose: a service declaring a nested interface, outside the ports. */
public class ServiceWithItsOwnInterface {

    interface Outcome {
    }
}
