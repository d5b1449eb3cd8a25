package io.tokenbroker.adapters.http.upstream;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.ConnectionTestData;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.egress.AllowedHosts;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.IpLiteral;
import io.tokenbroker.domain.egress.SavedBy;
import io.tokenbroker.domain.token.ExpiryRules;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The call-time egress check in every issuer, against a real local upstream that counts what it receives: a refused
 * target gets no request at all, and the failure is the same fixed, non-retryable one whatever the target.
 */
class EgressBeforeCallTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T09:00:00Z"), ZoneOffset.UTC);
    /** A name no DNS knows, which this resolver maps to loopback, as a rebinding DNS server would at call time. */
    private static final String REBOUND = "tenant-api.test";

    private ScriptedUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream().answer(200, "{\"access_token\":\"at-1\",\"expires_in\":3600}");
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private ProviderTokenIssuer issuer(List<String> allowedHosts) {
        EgressGuard guard = new EgressGuard(new EgressPolicy(AllowedHosts.of(allowedHosts)),
                EgressBeforeCallTest::resolve);
        return new ProviderTokenIssuer(new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(5)), JsonMapper.createDefault(),
                CLOCK, ExpiryRules.defaults(), Duration.ofSeconds(10), guard));
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.equals(REBOUND)) {
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        }
        Optional<byte[]> literal = IpLiteral.parse(host);
        if (literal.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByAddress(literal.get())};
    }

    private ConnectionTestData tenantSaved(ProviderType provider, URI tokenUrl) {
        ConnectionTestData connection = aConnection().withProvider(provider).withTokenUrl(tokenUrl).savedBy(SavedBy.TENANT);
        return provider == ProviderType.AUTH_SERVICE
                ? connection.withSettings(Map.of("url", tokenUrl.toString())) : connection;
    }

    @ParameterizedTest
    @EnumSource(value = ProviderType.class, names = {"OAUTH2", "QPAY", "AUTH_SERVICE"})
    void aTenantSavedConnectionToLoopbackIsRefusedWithoutARequest(ProviderType provider) {
        var refused = assertThrows(UpstreamException.Rejected.class,
                () -> issuer(List.of()).issue(tenantSaved(provider, upstream.tokenUrl()).withRefreshToken("rt-1")
                        .build()));

        assertEquals(Optional.of("upstream_not_allowed"), refused.errorCode());
        assertFalse(refused.retryable());
        assertEquals(List.of(), upstream.requests(), "the local upstream saw no request");
    }

    @Test
    void aNameThatResolvesToLoopbackOnlyAtCallTimeIsRefusedTheSameWay() {
        URI rebound = URI.create("http://" + REBOUND + ":" + upstream.tokenUrl().getPort() + "/token");

        var refused = assertThrows(UpstreamException.Rejected.class,
                () -> issuer(List.of()).issue(tenantSaved(ProviderType.OAUTH2, rebound).build()));

        assertEquals(Optional.of("upstream_not_allowed"), refused.errorCode());
        assertEquals(List.of(), upstream.requests());
    }

    @Test
    void anOperatorSavedConnectionReachesLoopback() {
        var grant = issuer(List.of()).issue(aConnection().withTokenUrl(upstream.tokenUrl()).build());

        assertEquals("at-1", grant.accessToken().value());
        assertEquals(1, upstream.requests().size());
    }

    /** No DNS knows the name: only a client that connects to the address the guard checked can reach it. */
    @Test
    void theRequestGoesToTheAddressTheGuardChecked() {
        URI named = URI.create("http://" + REBOUND + ":" + upstream.tokenUrl().getPort() + "/token");

        var grant = issuer(List.of()).issue(aConnection().withTokenUrl(named).build());

        assertEquals("at-1", grant.accessToken().value());
        assertEquals(REBOUND + ":" + named.getPort(), upstream.lastRequest().headers().get("host"),
                "the request still names the host it was saved with");
    }

    @Test
    void aTenantSavedConnectionReachesLoopbackWhenTheOperatorListsIt() {
        var grant = issuer(List.of("127.0.0.0/8"))
                .issue(tenantSaved(ProviderType.OAUTH2, upstream.tokenUrl()).build());

        assertEquals("at-1", grant.accessToken().value());
    }

    @Test
    void aNameThatDoesNotResolveStaysUnreachable() {
        URI nowhere = URI.create("http://not-in-dns.test:" + upstream.tokenUrl().getPort() + "/token");

        var unreachable = assertThrows(UpstreamException.Unavailable.class,
                () -> issuer(List.of()).issue(tenantSaved(ProviderType.OAUTH2, nowhere).build()));

        assertEquals(Optional.of("unreachable"), unreachable.errorCode());
        assertEquals(List.of(), upstream.requests());
    }
}
