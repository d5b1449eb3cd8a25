package io.tokenbroker.adapters.http.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.egress.AllowedHosts;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A scripted resolver: no name is looked up and no connection is opened. */
class EgressGuardTest {

    private static final Map<String, List<String>> NAMES = Map.of(
            "public.test", List.of("203.0.113.10"),
            "loopback.test", List.of("127.0.0.1"),
            "mixed.test", List.of("203.0.113.10", "10.0.0.7"),
            "metadata.test", List.of("169.254.169.254"));

    private final EgressGuard guard = new EgressGuard(EgressPolicy.defaults(), EgressGuardTest::resolve);

    @Test
    void aTenantMayNotNameAHostThatResolvesIntoThePrivateNetwork() {
        assertEquals(Optional.of(EgressRefusal.Reason.PRIVATE_ADDRESS),
                reason(guard.checkAtSave(URI.create("https://loopback.test/token"), SavedBy.TENANT)));
        assertEquals(Optional.empty(),
                reason(guard.checkAtSave(URI.create("https://loopback.test/token"), SavedBy.OPERATOR)));
    }

    @Test
    void everyAddressOfAHostMustPass() throws UnknownHostException {
        assertEquals(Optional.of(EgressRefusal.Reason.PRIVATE_ADDRESS),
                reason(guard.checkBeforeCall(URI.create("https://mixed.test/token"), SavedBy.TENANT)));
        assertEquals(Optional.empty(),
                reason(guard.checkBeforeCall(URI.create("https://public.test/token"), SavedBy.TENANT)));
    }

    @Test
    void metadataAddressesAreRefusedToOperatorsToo() throws UnknownHostException {
        assertEquals(Optional.of(EgressRefusal.Reason.FORBIDDEN_ADDRESS),
                reason(guard.checkBeforeCall(URI.create("http://metadata.test/latest"), SavedBy.OPERATOR)));
    }

    @Test
    void anUnresolvedNamePassesAtSaveTimeButNotAtCallTime() {
        URI url = URI.create("https://not-yet-in-dns.test/token");
        assertEquals(Optional.empty(), guard.checkAtSave(url, SavedBy.TENANT));
        assertThrows(UnknownHostException.class, () -> guard.checkBeforeCall(url, SavedBy.TENANT));
    }

    @Test
    void literalsAreCheckedWithoutTheResolver() throws UnknownHostException {
        var noResolver = new EgressGuard(EgressPolicy.defaults(), host -> {
            throw new AssertionError("resolver asked for " + host);
        });
        assertTrue(noResolver.checkAtSave(URI.create("http://[::1]:8080/t"), SavedBy.TENANT).isPresent());
        assertTrue(noResolver.checkAtSave(URI.create("ftp://public.test/t"), SavedBy.OPERATOR).isPresent());
    }

    @Test
    void theAllowedListAdmitsATenantsInternalHost() throws UnknownHostException {
        var listed = new EgressGuard(new EgressPolicy(AllowedHosts.of(List.of("127.0.0.0/8"))), EgressGuardTest::resolve);
        assertEquals(Optional.empty(),
                reason(listed.checkBeforeCall(URI.create("http://loopback.test:8080/t"), SavedBy.TENANT)));
    }

    @Test
    void theCheckOfTheUrlAloneLooksNothingUp() {
        EgressGuard noLookups = new EgressGuard(EgressPolicy.defaults(), host -> {
            throw new AssertionError("looked up " + host);
        });

        assertEquals(Optional.empty(),
                reason(noLookups.checkUrl(URI.create("https://public.test/api"), SavedBy.TENANT)));
        assertEquals(Optional.of(EgressRefusal.Reason.PRIVATE_ADDRESS),
                reason(noLookups.checkUrl(URI.create("http://127.0.0.1:8080/api"), SavedBy.TENANT)));
        assertEquals(Optional.of(EgressRefusal.Reason.FORBIDDEN_ADDRESS),
                reason(noLookups.checkUrl(URI.create("http://[fe80::1]/api"), SavedBy.OPERATOR)));
        assertEquals(Optional.of(EgressRefusal.Reason.NOT_HTTP),
                reason(noLookups.checkUrl(URI.create("file:///etc/passwd"), SavedBy.OPERATOR)));
    }

    private static Optional<EgressRefusal.Reason> reason(Optional<EgressRefusal> refusal) {
        return refusal.map(EgressRefusal::reason);
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> literals = NAMES.get(host);
        if (literals == null) {
            throw new UnknownHostException("scripted resolver: " + host);
        }
        InetAddress[] addresses = new InetAddress[literals.size()];
        for (int i = 0; i < addresses.length; i++) {
            // A literal with its host name attached: getByAddress never resolves anything.
            addresses[i] = InetAddress.getByAddress(host, InetAddress.getByName(literals.get(i)).getAddress());
        }
        return addresses;
    }
}
