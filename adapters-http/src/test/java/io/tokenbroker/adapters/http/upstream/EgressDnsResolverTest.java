package io.tokenbroker.adapters.http.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.domain.egress.AllowedHosts;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The resolver Apache HttpClient asks when it connects, over scripted names: nothing is looked up or connected to. */
class EgressDnsResolverTest {

    private final AtomicInteger lookups = new AtomicInteger();
    private final EgressGuard guard = new EgressGuard(new EgressPolicy(AllowedHosts.of(List.of("127.0.0.2/32"))),
            this::resolve);

    @Test
    void anAllowedAddressIsWhatTheConnectionGoesTo() throws Exception {
        List<InetSocketAddress> resolved = new EgressDnsResolver(guard, SavedBy.TENANT).resolve("allowed.test", 8443);

        assertEquals(List.of(new InetSocketAddress(address(127, 0, 0, 2), 8443)), resolved);
        assertEquals(1, lookups.get(), "one lookup, the checked one");
    }

    @Test
    void aRefusedAddressFailsTheConnectWithTheRefusal() {
        EgressRefusedException refused = assertThrows(EgressRefusedException.class,
                () -> new EgressDnsResolver(guard, SavedBy.TENANT).resolve("refused.test", 8443));

        assertEquals(EgressRefusal.Reason.PRIVATE_ADDRESS, refused.refusal().reason());
    }

    @Test
    void theSameAddressIsAllowedToOperators() throws Exception {
        assertArrayEquals(new InetAddress[] {address(127, 0, 0, 1)},
                new EgressDnsResolver(guard, SavedBy.OPERATOR).resolve("refused.test"));
    }

    @Test
    void aHostIsRefusedWhenAnyOfItsAddressesIs() {
        EgressRefusedException refused = assertThrows(EgressRefusedException.class,
                () -> new EgressDnsResolver(guard, SavedBy.OPERATOR).resolve("metadata.test"));

        assertEquals(EgressRefusal.Reason.FORBIDDEN_ADDRESS, refused.refusal().reason());
    }

    @Test
    void aNameThatDoesNotResolveFailsAsUnknown() {
        UnknownHostException unknown = assertThrows(UnknownHostException.class,
                () -> new EgressDnsResolver(guard, SavedBy.OPERATOR).resolve("nowhere.test"));

        assertEquals(UnknownHostException.class, unknown.getClass());
    }

    @Test
    void theCanonicalNameIsTheNameItselfWithoutALookup() {
        assertEquals("refused.test", new EgressDnsResolver(guard, SavedBy.OPERATOR)
                .resolveCanonicalHostname("refused.test"));
        assertEquals(0, lookups.get());
    }

    private InetAddress[] resolve(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        return switch (host) {
            case "allowed.test" -> new InetAddress[] {address(127, 0, 0, 2)};
            case "refused.test" -> new InetAddress[] {address(127, 0, 0, 1)};
            // Never connected to: the resolver refuses the host before anything is opened.
            case "metadata.test" -> new InetAddress[] {address(127, 0, 0, 2), address(169, 254, 169, 254)};
            default -> throw new UnknownHostException(host);
        };
    }

    private static InetAddress address(int a, int b, int c, int d) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }
}
