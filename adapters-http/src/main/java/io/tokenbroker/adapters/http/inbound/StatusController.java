package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
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
import io.tokenbroker.adapters.http.inbound.security.TenantAccess;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.ConnectionStatus;
import io.tokenbroker.application.port.in.ListConnectionStatus;
import io.tokenbroker.application.port.in.ReadConnectionStatus;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Operators' view of token health. Readable with {@code logs:read} (operators, auditors) or {@code token:read} (a
 * backend checking its own connections); either way only the tenants the key is scoped to.
 */
@TenantScoped
@Tag(name = "status")
@ProblemAnswers
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class StatusController {

    private static final int DEFAULT_LIMIT = 100;

    private final ReadConnectionStatus readStatus;
    private final ListConnectionStatus listStatus;

    public StatusController(ReadConnectionStatus readStatus, ListConnectionStatus listStatus) {
        this.readStatus = readStatus;
        this.listStatus = listStatus;
    }

    @Operation(operationId = "getConnectionStatus", summary = "A connection's token health",
            description = "Scope `logs:read` or `token:read`.")
    @ApiResponse(responseCode = "200", description = "The connection's health.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatusView.class)))
    @ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @Get(uri = "/v1/tenants/{tenant}/connections/{connection}/status", produces = MediaType.APPLICATION_JSON)
    @Secured({"logs:read", "token:read"})
    public StatusView status(String tenant, String connection) {
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        return StatusView.of(readStatus.status(new ReadConnectionStatus.Query(key)));
    }

    @Operation(operationId = "listConnectionStatus", summary = "Token health of every visible connection, paged",
            description = "Scope `logs:read` or `token:read`; only the tenants the key is bound to. `limit` defaults "
                    + "to 100 (at most 1000); `cursor` is the previous page's `next`.")
    @ApiResponse(responseCode = "200", description = "A page of connections with a summary by health.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatusPageView.class)))
    @Get(uri = "/v1/status", produces = MediaType.APPLICATION_JSON)
    @Secured({"logs:read", "token:read"})
    public StatusPageView all(@Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor,
                              HttpRequest<?> request) {
        ListConnectionStatus.Page page = listStatus.list(new ListConnectionStatus.Query(
                TenantAccess.visibleTenants(request), Cursors.toKey(cursor),
                Cursors.limit(limit, DEFAULT_LIMIT, ListConnectionStatus.Query.MAX_LIMIT)));
        Map<String, Long> summary = new LinkedHashMap<>();
        summary.put("total", page.summary().total());
        for (ConnectionStatus.Health health : ConnectionStatus.Health.values()) {
            long count = page.summary().byHealth().get(health);
            // Shown once there is one, so a broker without consent connections answers as it always did.
            if (health != ConnectionStatus.Health.NOT_CONNECTED || count > 0) {
                summary.put(StatusView.word(health), count);
            }
        }
        return new StatusPageView(summary, page.connections().stream().map(StatusView::of).toList(),
                page.next().map(Cursors::ofKey).orElse(null));
    }
}
