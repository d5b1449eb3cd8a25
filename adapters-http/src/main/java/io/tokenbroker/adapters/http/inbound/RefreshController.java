package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * An operator forces a connection's token to be renewed now. The answer carries the new expiry, not the token: the
 * refresh scope is an operator's, and handing out tokens stays with {@code token:read}.
 */
@TenantScoped
@Tag(name = "tokens")
@ProblemAnswers
@ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
@ApiResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
@ApiResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
@ApiResponse(responseCode = "502", ref = ApiDocument.BAD_GATEWAY)
@ApiResponse(responseCode = "503", ref = ApiDocument.UNAVAILABLE)
@Controller("/v1/tenants/{tenant}/connections/{connection}/refresh")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RefreshController {

    private final RefreshConnection refreshConnection;
    private final Clock clock;
    private final Idempotency idempotency;

    public RefreshController(RefreshConnection refreshConnection, Clock clock, Idempotency idempotency) {
        this.refreshConnection = refreshConnection;
        this.clock = clock;
        this.idempotency = idempotency;
    }

    @Operation(operationId = "refreshToken", summary = "Renew the connection's token now",
            description = "Scope `token:refresh`. Answers the new expiry, not the token.", parameters = @Parameter(name = ApiDocument.IDEMPOTENCY_KEY, in = ParameterIn.HEADER,
                    ref = ApiDocument.IDEMPOTENCY_KEY_REF))
    @ApiResponse(responseCode = "200", description = "Renewed.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET),
                    @Header(name = "Idempotent-Replayed", ref = ApiDocument.REPLAYED)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Refreshed.class)))
    @Post(produces = MediaType.APPLICATION_JSON)
    @Secured("token:refresh")
    public HttpResponse<?> refresh(String tenant, String connection, HttpRequest<?> request) {
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        return idempotency.once(request, null, () -> {
            AccessToken token = refreshConnection.refresh(RefreshConnection.Command.manual(key));
            Instant now = clock.instant();
            return HttpResponse.ok(new Refreshed(key.tenant().value(), key.connection().value(),
                    token.expiresAt().toString(), Math.max(0, Duration.between(now, token.expiresAt()).toSeconds()),
                    now.toString()))
                    .header("Cache-Control", "no-store");
        });
    }
}
