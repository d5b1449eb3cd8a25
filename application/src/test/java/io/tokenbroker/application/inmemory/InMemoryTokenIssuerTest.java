package io.tokenbroker.application.inmemory;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.application.contract.TokenIssuerContract;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.TokenGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryTokenIssuerTest extends TokenIssuerContract {

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));

    @Override
    protected TokenIssuer issuer() {
        return new InMemoryTokenIssuer(clock, Duration.ofHours(1)).acceptOnly("client-1", "secret-1");
    }

    @Override
    protected Connection connectionWithValidCredentials() {
        return aConnection().withClientId("client-1").withClientSecret("secret-1").build();
    }

    @Override
    protected Connection connectionWithWrongSecret() {
        return aConnection().withClientId("client-1").withClientSecret("wrong-secret-7f3a").build();
    }

    // The double's own script, which the service tests rely on.

    @Test
    void issuesNumberedTokensByTheClock() {
        InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofMinutes(10));

        TokenGrant first = issuer.issue(aConnection().build());
        clock.advance(Duration.ofMinutes(1));
        TokenGrant second = issuer.issue(aConnection().build());

        assertEquals("tok-1", first.accessToken().value());
        assertEquals("tok-2", second.accessToken().value());
        assertEquals(clock.instant(), second.accessToken().issuedAt());
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)), second.accessToken().expiresAt());
        assertEquals(2, issuer.calls());
        assertEquals(Optional.empty(), second.refreshToken(), "no rotation unless asked for");
    }

    @Test
    void rotatesRefreshTokensOnlyForConnectionsThatHoldOne() {
        InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1)).rotateRefreshTokens();

        TokenGrant withoutRefreshToken = issuer.issue(aConnection().build());
        TokenGrant rotated = issuer.issue(aConnection().withRefreshToken("rt-0").build());

        assertEquals(Optional.empty(), withoutRefreshToken.refreshToken());
        assertEquals(Optional.of(Secret.of("rt-2")), rotated.refreshToken());
    }

    @Test
    void failsTheScriptedNumberOfCallsThenIssuesAgain() {
        UpstreamException down = new UpstreamException.Unavailable("upstream down", OptionalInt.of(503),
                Optional.empty(), Optional.empty(), null);
        InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1)).failNext(2, down);

        assertSame(down, assertThrows(UpstreamException.class, () -> issuer.issue(aConnection().build())));
        assertSame(down, assertThrows(UpstreamException.class, () -> issuer.issue(aConnection().build())));
        assertEquals("tok-3", issuer.issue(aConnection().build()).accessToken().value());
        assertEquals(3, issuer.calls());
    }

    @Test
    void aHeldCallCompletesOnceTheGateIsReleased() throws Exception {
        InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
        InMemoryTokenIssuer.Gate gate = issuer.hold();

        CompletableFuture<TokenGrant> call = CompletableFuture.supplyAsync(() -> issuer.issue(aConnection().build()));
        gate.awaitEntered();
        assertEquals(1, gate.held());

        gate.release();

        assertEquals("tok-1", call.get(30, TimeUnit.SECONDS).accessToken().value());
        assertEquals(0, gate.held());
    }
}
