package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.bootstrap.config.EgressConfiguration;
import io.tokenbroker.domain.egress.EgressPolicy;
import jakarta.inject.Singleton;
import java.net.InetAddress;

/**
 * The one egress policy of the instance and the guard that applies it: at save time to connections
 * ({@code ConnectionService}), before every token request ({@link TokenBrokerFactory}) and to webhook receivers at
 * start-up and whenever a connection to one is opened ({@link ConnectionEventsFactory}).
 */
@Factory
public class EgressFactory {

    /** Built at start-up, so a bad {@code tokenbroker.egress.allowed-hosts} entry stops the start with its name. */
    @Context
    EgressPolicy egressPolicy(EgressConfiguration config) {
        return config.policy();
    }

    /** The JVM's resolver and its address cache, which the HTTP clients then use too; tests replace this bean. */
    @Singleton
    EgressGuard.HostResolver hostResolver() {
        return InetAddress::getAllByName;
    }

    @Singleton
    EgressGuard egressGuard(EgressPolicy policy, EgressGuard.HostResolver resolver) {
        return new EgressGuard(policy, resolver);
    }
}
