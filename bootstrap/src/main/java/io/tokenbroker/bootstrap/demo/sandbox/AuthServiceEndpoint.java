package io.tokenbroker.bootstrap.demo.sandbox;

import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;

/** An internal auth service: {@code GET} with {@code X-Tenant-ID}, answering {@code {"token": …}}. */
final class AuthServiceEndpoint {

    private final SandboxState state;

    AuthServiceEndpoint(SandboxState state) {
        this.state = state;
    }

    Response token(Request request) {
        boolean tenantGiven = request.header("X-Tenant-ID").filter(tenant -> !tenant.isBlank()).isPresent();
        if (!"GET".equals(request.method()) || !tenantGiven) {
            return Response.error(400, "invalid_request");
        }
        return Response.json(200, new SandboxJson.InternalToken(state.mintAccessToken("sbx_internal_")));
    }
}
