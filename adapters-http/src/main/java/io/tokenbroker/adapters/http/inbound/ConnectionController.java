package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.RemoveConnection;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.egress.SavedBy;
import jakarta.validation.Valid;

/** Registers, shows and removes a tenant's connection. Secrets go in, never come out. */
@TenantScoped
@Tag(name = "connections")
@ProblemAnswers
@ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
@Controller("/v1/tenants/{tenant}/connections/{connection}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ConnectionController {

    private final SaveConnection saveConnection;
    private final FindConnection findConnection;
    private final RemoveConnection removeConnection;
    private final Idempotency idempotency;

    public ConnectionController(SaveConnection saveConnection, FindConnection findConnection,
                                RemoveConnection removeConnection, Idempotency idempotency) {
        this.saveConnection = saveConnection;
        this.findConnection = findConnection;
        this.removeConnection = removeConnection;
        this.idempotency = idempotency;
    }

    @Operation(operationId = "saveConnection", summary = "Create or replace a connection",
            description = "Scope `connections:write`. Secrets are stored sealed and never shown again.", parameters = @Parameter(name = ApiDocument.IDEMPOTENCY_KEY, in = ParameterIn.HEADER,
                    ref = ApiDocument.IDEMPOTENCY_KEY_REF))
    @ApiResponse(responseCode = "201", description = "Created.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET),
                    @Header(name = "Idempotent-Replayed", ref = ApiDocument.REPLAYED)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectionView.class)))
    @ApiResponse(responseCode = "200", description = "Replaced.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET),
                    @Header(name = "Idempotent-Replayed", ref = ApiDocument.REPLAYED)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectionView.class)))
    @ApiResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    @Put(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Secured("connections:write")
    public HttpResponse<?> put(String tenant, String connection, @Valid @Body ConnectionRequest body,
                               HttpRequest<?> request, @Nullable Authentication caller) {
        SaveConnection.Command command = SaveConnection.Command.by(savedBy(caller),
                body.toConnection(ConnectionKey.of(tenant, connection)));
        return idempotency.once(request, body, () -> {
            boolean created = saveConnection.save(command);
            // Read back: what was saved may keep a consent the request did not repeat.
            return HttpResponse.<ConnectionView>status(created ? HttpStatus.CREATED : HttpStatus.OK)
                    .body(ConnectionView.of(findConnection.find(new FindConnection.Query(command.connection().key()))));
        });
    }

    /**
     * An admin key is the operator's; any other key, even one for every tenant, may not point the broker inward.
     * With security switched off (benchmarks of the unauthenticated path) there is no key and only an operator.
     */
    private static SavedBy savedBy(@Nullable Authentication caller) {
        return caller == null || caller.getRoles().contains(Scope.ADMIN.wireName()) ? SavedBy.OPERATOR
                : SavedBy.TENANT;
    }

    /** Reading a connection needs no write scope: a token reader may see where its tokens come from. */
    @Operation(operationId = "getConnection", summary = "A connection, without its secrets",
            description = "Scope `connections:write`, `token:read` or `logs:read`.")
    @ApiResponse(responseCode = "200", description = "The connection.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectionView.class)))
    @Get(produces = MediaType.APPLICATION_JSON)
    @Secured({"connections:write", "token:read", "logs:read"})
    public ConnectionView get(String tenant, String connection) {
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        return ConnectionView.of(findConnection.find(new FindConnection.Query(key)));
    }

    @Operation(operationId = "deleteConnection", summary = "Remove a connection and its cached token",
            description = "Scope `connections:write`.", parameters = @Parameter(name = ApiDocument.IDEMPOTENCY_KEY, in = ParameterIn.HEADER,
                    ref = ApiDocument.IDEMPOTENCY_KEY_REF))
    @ApiResponse(responseCode = "204", description = "Removed.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET),
                    @Header(name = "Idempotent-Replayed", ref = ApiDocument.REPLAYED)})
    @ApiResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    @Delete
    @Secured("connections:write")
    public HttpResponse<?> delete(String tenant, String connection, HttpRequest<?> request) {
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        return idempotency.once(request, null, () -> {
            removeConnection.remove(new RemoveConnection.Command(key));
            return HttpResponse.noContent();
        });
    }
}
