package io.tokenbroker.bootstrap.demo.sandbox;

import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An internal auth service: {@code GET} with {@code X-Tenant-ID}, answering {@code {"token": …}}. Client credentials
 * are optional, as for the services it stands for; credentials that are sent must be the sandbox's client.
 */
final class AuthServiceEndpoint {

    private final SandboxState state;
    private final String expectedAuthorization;

    AuthServiceEndpoint(SandboxState state, String clientId, String clientSecret) {
        this.state = state;
        this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    }

    Response token(Request request) {
        boolean tenantGiven = request.header("X-Tenant-ID").filter(tenant -> !tenant.isBlank()).isPresent();
        if (!"GET".equals(request.method()) || !tenantGiven) {
            return Response.error(400, "invalid_request");
        }
        if (request.header("Authorization").filter(given -> !given.equals(expectedAuthorization)).isPresent()) {
            return Response.error(401, "invalid_client");
        }
        return Response.json(200, new SandboxJson.InternalToken(state.mintAccessToken("sbx_internal_")));
    }
}
