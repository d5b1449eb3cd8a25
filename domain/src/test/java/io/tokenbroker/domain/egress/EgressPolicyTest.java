package io.tokenbroker.domain.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Literal addresses only: the policy is pure, nothing here resolves a name or opens a connection. */
class EgressPolicyTest {

    private static final EgressPolicy NOTHING_LISTED = EgressPolicy.defaults();
    private static final EgressPolicy LISTED = new EgressPolicy(AllowedHosts.of(List.of(
            "127.0.0.0/8", "*.corp.example", "metadata.internal", "10.20.0.0/16", "169.254.170.2")));

    @ParameterizedTest(name = "{0} saved by {1}: {2}")
    @CsvSource({
            "https://203.0.113.7/token, TENANT, ALLOWED", "https://203.0.113.7/token, OPERATOR, ALLOWED",
            "http://127.0.0.1:8080/token, OPERATOR, ALLOWED", "http://127.0.0.1:8080/token, TENANT, PRIVATE_ADDRESS",
            "http://[::1]:8080/token, TENANT, PRIVATE_ADDRESS", "http://10.1.2.3/token, OPERATOR, ALLOWED",
            "http://10.1.2.3/token, TENANT, PRIVATE_ADDRESS",
            "http://169.254.169.254/latest, OPERATOR, FORBIDDEN_ADDRESS",
            "http://169.254.169.254/latest, TENANT, FORBIDDEN_ADDRESS",
            "http://[fe80::1]/x, OPERATOR, FORBIDDEN_ADDRESS", "http://[::ffff:169.254.169.254]/x, OPERATOR, FORBIDDEN_ADDRESS",
            "http://0.0.0.0:8080/x, OPERATOR, FORBIDDEN_ADDRESS", "http://224.0.0.1/x, OPERATOR, FORBIDDEN_ADDRESS",
            "http://255.255.255.255/x, OPERATOR, FORBIDDEN_ADDRESS",
            "ftp://203.0.113.7/x, OPERATOR, NOT_HTTP", "file:///etc/passwd, OPERATOR, NOT_HTTP",
            "gopher://127.0.0.1:6379/x, OPERATOR, NOT_HTTP", "https:///nohost, OPERATOR, NOT_HTTP",
            "https://login.example.com/token, TENANT, ALLOWED"
    })
    void decidesOnTheUrlAlone(String url, SavedBy savedBy, String expected) {
        assertEquals(expected, verdict(NOTHING_LISTED.checkUrl(URI.create(url), savedBy)));
    }

    @ParameterizedTest(name = "{0} at {1} saved by {2}: {3}")
    @CsvSource({
            "localhost, 127.0.0.1, TENANT, ALLOWED", "api.corp.example, 10.9.9.9, TENANT, ALLOWED",
            "corp.example, 10.9.9.9, TENANT, PRIVATE_ADDRESS", "db.internal, 10.20.1.1, TENANT, ALLOWED",
            "db.internal, 10.21.1.1, TENANT, PRIVATE_ADDRESS", "db.internal, 10.21.1.1, OPERATOR, ALLOWED",
            "metadata.internal, 169.254.169.254, TENANT, ALLOWED", "other.internal, 169.254.169.254, OPERATOR, FORBIDDEN_ADDRESS",
            "ecs-agent, 169.254.170.2, TENANT, ALLOWED", "x.corp.example, 169.254.169.254, OPERATOR, FORBIDDEN_ADDRESS"
    })
    void allowedHostsLiftWhatTheyName(String host, String address, SavedBy savedBy, String expected) {
        byte[] bytes = IpLiteral.parse(address).orElseThrow();
        assertEquals(expected, verdict(LISTED.checkAddress(host, bytes, savedBy)));
    }

    @Test
    void aWildcardNeverLiftsAnAlwaysRefusedAddress() {
        byte[] metadata = IpLiteral.parse("169.254.169.254").orElseThrow();
        assertEquals("FORBIDDEN_ADDRESS", verdict(LISTED.checkAddress("meta.corp.example", metadata, SavedBy.OPERATOR)));
    }

    @Test
    void refusalsSayNothingAboutReachability() {
        var refusal = NOTHING_LISTED.checkUrl(URI.create("http://10.0.0.1/"), SavedBy.TENANT).orElseThrow();
        assertTrue(refusal.detail().contains("private"));
        assertTrue(!refusal.detail().contains("10.0.0.1"), "the detail does not echo the target");
    }

    @Test
    void allowedHostsRefuseWhatTheyCannotRead() {
        var thrown = assertThrows(IllegalArgumentException.class, () -> AllowedHosts.of(List.of("ok.example", "bad host")));
        assertTrue(thrown.getMessage().contains("bad host"));
        assertThrows(IllegalArgumentException.class, () -> AllowedHosts.of(List.of("10.0.0.0/40")));
    }

    @Test
    void hostNamesCompareWithoutCaseOrTrailingDot() {
        var hosts = AllowedHosts.of(List.of(" Auth-Service.Internal. ", "", "*.Intuit.com"));
        byte[] any = IpLiteral.parse("10.0.0.1").orElseThrow();
        assertTrue(hosts.admits("auth-service.internal", any));
        assertTrue(hosts.admits("AUTH-SERVICE.INTERNAL.", any));
        assertTrue(hosts.admits("oauth.platform.intuit.com", any));
        assertTrue(!hosts.admits("intuit.com", any), "a pattern does not admit its apex");
        assertTrue(!hosts.admits("evilintuit.com", any));
    }

    private static String verdict(Optional<EgressRefusal> refusal) {
        return refusal.map(r -> r.reason().name()).orElse("ALLOWED");
    }
}
