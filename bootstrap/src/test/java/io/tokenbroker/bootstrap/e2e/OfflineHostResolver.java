package io.tokenbroker.bootstrap.e2e;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.bootstrap.EgressFactory;
import io.tokenbroker.domain.egress.IpLiteral;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The egress guard's resolver in every test context: no test asks DNS anything. IP literals are read, localhost is
 * loopback, names a test {@linkplain #pointAtLoopback points} there are loopback from then on (as a rebinding DNS
 * server would answer), and every other name does not resolve, as on an offline machine.
 */
@Singleton
@Requires(env = Environment.TEST)
@Replaces(value = EgressGuard.HostResolver.class, factory = EgressFactory.class)
public final class OfflineHostResolver implements EgressGuard.HostResolver {

    private final Set<String> loopbackNames = ConcurrentHashMap.newKeySet();

    /** From now on {@code host} resolves to 127.0.0.1. */
    public void pointAtLoopback(String host) {
        loopbackNames.add(host);
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        Optional<byte[]> literal = IpLiteral.parse(host);
        if (literal.isPresent()) {
            return new InetAddress[] {InetAddress.getByAddress(literal.get())};
        }
        if (host.equalsIgnoreCase("localhost") || loopbackNames.contains(host)) {
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        }
        throw new UnknownHostException(host);
    }
}
