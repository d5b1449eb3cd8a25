package io.tokenbroker.bootstrap.demo.sandbox;

import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** QPay v2: a token endpoint behind Basic auth and a refresh endpoint that takes the refresh token as Bearer. */
final class QPayEndpoints {

    private static final long REFRESH_LIFETIME_SECONDS = 86_400;

    private final SandboxState state;
    private final String expectedAuthorization;
    private final Duration tokenLifetime;
    private final Clock clock;

    QPayEndpoints(SandboxState state, String clientId, String clientSecret, Duration tokenLifetime, Clock clock) {
        this.state = state;
        this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        this.tokenLifetime = tokenLifetime;
        this.clock = clock;
    }

    Response token(Request request) {
        if (!request.isPost() || !request.header("Authorization").equals(Optional.of(expectedAuthorization))) {
            return Response.error(401, "invalid_client");
        }
        long now = clock.instant().getEpochSecond();
        // QPay's quirk: on this endpoint both expiries come as epoch seconds...
        return Response.json(200, new SandboxJson.QPayToken("bearer", state.mintAccessToken("sbx_qpay_"),
                now + tokenLifetime.toSeconds(), state.issueRefreshToken(), now + REFRESH_LIFETIME_SECONDS,
                "default"));
    }

    Response refresh(Request request) {
        Optional<String> presented = request.header("Authorization").filter(value -> value.startsWith("Bearer "))
                .map(value -> value.substring(7));
        Optional<String> rotated = presented.filter(token -> request.isPost()).flatMap(state::rotateRefreshToken);
        if (rotated.isEmpty()) {
            state.countRejectedRefresh();
            return Response.error(401, "invalid_token");
        }
        // ...and here as durations.
        return Response.json(200, new SandboxJson.QPayToken("bearer", state.mintAccessToken("sbx_qpay_"),
                tokenLifetime.toSeconds(), rotated.get(), REFRESH_LIFETIME_SECONDS, null));
    }
}
