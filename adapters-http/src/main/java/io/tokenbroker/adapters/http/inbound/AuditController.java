package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.adapters.http.inbound.security.TenantAccess;
import io.tokenbroker.application.port.in.ReadAuditStatus;
import io.tokenbroker.application.port.in.TakeCheckpoint;
import io.tokenbroker.domain.connection.TenantId;
import java.util.function.Predicate;

/** The audit trail's protection: its status, and a checkpoint on demand. The public key: {@link AuditKeyController}. */
@Tag(name = "audit")
@ProblemAnswers
@Controller("/v1/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditController {

    private final ReadAuditStatus readStatus;
    private final TakeCheckpoint takeCheckpoint;

    public AuditController(ReadAuditStatus readStatus, TakeCheckpoint takeCheckpoint) {
        this.readStatus = readStatus;
        this.takeCheckpoint = takeCheckpoint;
    }

    @Operation(operationId = "getAuditStatus", summary = "How the refresh log is protected right now",
            description = "Scope `logs:read`. Whether checkpoints are signed and with which key, the newest "
                    + "checkpoint, and chains found no longer extending their signed line (of visible tenants).")
    @ApiResponse(responseCode = "200", description = "The status.", headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditStatusView.class)))
    @Get(uri = "/status", produces = MediaType.APPLICATION_JSON)
    @Secured("logs:read")
    public AuditStatusView status(HttpRequest<?> request) {
        Predicate<TenantId> visible = TenantAccess.visibleTenants(request)
                .<Predicate<TenantId>>map(tenants -> tenants::contains).orElse(tenant -> true);
        return AuditStatusView.of(readStatus.status(), visible);
    }

    @Operation(operationId = "takeAuditCheckpoint", summary = "Sign a checkpoint of every chain head now",
            description = "Scope `admin`. Answers with the new checkpoint's summary.")
    @ApiResponse(responseCode = "201", description = "The checkpoint.", headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditStatusView.Latest.class)))
    @Post(uri = "/checkpoints", produces = MediaType.APPLICATION_JSON)
    @Secured("admin")
    public HttpResponse<AuditStatusView.Latest> checkpoint() {
        return HttpResponse.created(AuditStatusView.Latest.of(takeCheckpoint.take(TakeCheckpoint.DEMAND)));
    }
}
