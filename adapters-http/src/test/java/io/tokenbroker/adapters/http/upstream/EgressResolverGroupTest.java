package io.tokenbroker.adapters.http.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.tokenbroker.domain.egress.AllowedHosts;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resolver Netty asks when it connects, over a scripted name: nothing is looked up, nothing is connected to. */
class EgressResolverGroupTest {

    private final EgressGuard guard = new EgressGuard(new EgressPolicy(AllowedHosts.of(List.of("127.0.0.2/32"))),
            EgressResolverGroupTest::resolve);

    @Test
    void anAllowedAddressIsWhatTheConnectionGoesTo() throws Exception {
        Future<InetSocketAddress> resolved = resolver(SavedBy.TENANT)
                .resolve(InetSocketAddress.createUnresolved("allowed.test", 8443)).await();

        assertEquals(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 8443),
                resolved.getNow());
    }

    @Test
    void aRefusedAddressFailsTheConnectWithTheRefusal() throws Exception {
        Future<InetSocketAddress> resolved = resolver(SavedBy.TENANT)
                .resolve(InetSocketAddress.createUnresolved("refused.test", 8443)).await();

        EgressRefusedException refused = assertInstanceOf(EgressRefusedException.class, resolved.cause());
        assertEquals(EgressRefusal.Reason.PRIVATE_ADDRESS, refused.refusal().reason());
    }

    @Test
    void theSameAddressIsAllowedToOperators() throws Exception {
        Future<InetSocketAddress> resolved = resolver(SavedBy.OPERATOR)
                .resolve(InetSocketAddress.createUnresolved("refused.test", 8443)).await();

        assertEquals(8443, resolved.getNow().getPort());
    }

    @Test
    void aNameThatDoesNotResolveFailsAsUnknown() throws Exception {
        Future<InetSocketAddress> resolved = resolver(SavedBy.OPERATOR)
                .resolve(InetSocketAddress.createUnresolved("nowhere.test", 8443)).await();

        assertEquals(UnknownHostException.class, resolved.cause().getClass());
    }

    private AddressResolver<InetSocketAddress> resolver(SavedBy savedBy) {
        return new EgressResolverGroup(guard, savedBy).getResolver(ImmediateEventExecutor.INSTANCE);
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        return switch (host) {
            case "allowed.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 2})};
            case "refused.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
            default -> throw new UnknownHostException(host);
        };
    }
}
