package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.VerifyRefreshLog;
import io.tokenbroker.domain.connection.ConnectionKey;

/** Verifies a connection's refresh log in the broker; auditors who trust no server use {@code verify-log} instead. */
@TenantScoped
@Tag(name = "audit")
@ProblemAnswers
@ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
@Controller("/v1/tenants/{tenant}/connections/{connection}/refresh-log")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ChainVerificationController {

    private final VerifyRefreshLog verifyLog;

    public ChainVerificationController(VerifyRefreshLog verifyLog) {
        this.verifyLog = verifyLog;
    }

    @Operation(operationId = "verifyRefreshLog", summary = "Verify the connection's hash chain",
            description = "Scope `logs:read`. Recomputes every link of the connection's chain and holds it against "
                    + "the newest signed checkpoint. 200 either way: `verified` false names the first broken link "
                    + "(`broken.seq`, what was `expected`, what was `found`, and why).")
    @ApiResponse(responseCode = "200", description = "The verdict.", headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerificationView.class)))
    @Get(uri = "/verify", produces = MediaType.APPLICATION_JSON)
    @Secured("logs:read")
    public VerificationView verify(String tenant, String connection) {
        return VerificationView.of(verifyLog.verify(ConnectionKey.of(tenant, connection)));
    }
}
