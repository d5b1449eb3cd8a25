package io.tokenbroker.adapters.http.proxy;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;

/**
 * {@code /v1/proxy/{tenant}/{connection}/{path}}: calls the connection's API with the connection's token, so a
 * caller never holds the token at all. Every method delegates to {@link ProxyFlow}; the routes exist separately only
 * so the API document names each. Blocking executor: a token miss waits on the upstream.
 */
@TenantScoped
@Tag(name = "proxy")
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@ApiResponse(responseCode = "default", description = "The API's own answer, passed through: its status (a 3xx is "
        + "returned, never followed), its headers minus hop-by-hop ones, its body streamed. It carries no "
        + "`Tokenbroker-Error` header.", headers = @Header(name = "X-Request-Id", ref = ProxyController.HEADERS
        + "X-Request-Id"))
@ApiResponse(responseCode = "400", ref = ProxyController.RESPONSES + "ProxyBadRequest")
@ApiResponse(responseCode = "401", ref = ProxyController.RESPONSES + "ProxyUnauthorized")
@ApiResponse(responseCode = "403", ref = ProxyController.RESPONSES + "ProxyForbidden")
@ApiResponse(responseCode = "404", ref = ProxyController.RESPONSES + "ProxyNotFound")
@ApiResponse(responseCode = "409", ref = ProxyController.RESPONSES + "ProxyConflict")
@ApiResponse(responseCode = "413", ref = ProxyController.RESPONSES + "ProxyPayloadTooLarge")
@ApiResponse(responseCode = "422", ref = ProxyController.RESPONSES + "ProxyUnprocessable")
@ApiResponse(responseCode = "429", ref = ProxyController.RESPONSES + "ProxyTooManyRequests")
@ApiResponse(responseCode = "502", ref = ProxyController.RESPONSES + "ProxyBadGateway")
@ApiResponse(responseCode = "503", ref = ProxyController.RESPONSES + "ProxyUnavailable")
@ApiResponse(responseCode = "500", ref = ProxyController.RESPONSES + "ProxyInternalError")
@ApiResponse(responseCode = "504", ref = ProxyController.RESPONSES + "ProxyGatewayTimeout")
@Controller("/v1/proxy/{tenant}/{connection}")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured("proxy:use")
public class ProxyController {

    static final String RESPONSES = "#/components/responses/";
    static final String HEADERS = "#/components/headers/";
    private static final String PATH = "/{path:.*}";
    private static final String DESCRIPTION = "Scope `proxy:use`. Forwards to the connection's `api_base_url` + "
            + "`path` + query with `Authorization: Bearer <the connection's token>`; the caller's `X-API-Key`, "
            + "`Authorization`, `Cookie` and hop-by-hop headers are not forwarded. On a 401 the token that was sent "
            + "is dropped and the call retried once with a fresh one (bodies up to "
            + "`tokenbroker.proxy.max-buffered-body`), at most one forced refresh per connection per minimum "
            + "refresh interval. The broker's own answers are problem+json with `Tokenbroker-Error: true`.";

    private static final String PATH_DOC = "The path below the connection's api_base_url, slashes included, as it "
            + "should reach the API; `..` (plain or encoded), encoded slashes, `@` and empty segments are refused "
            + "with 400.";

    private final ProxyFlow flow;

    public ProxyController(ProxyFlow flow) {
        this.flow = flow;
    }

    @Operation(operationId = "proxyGet", summary = "GET the connection's API, authenticated", description = DESCRIPTION)
    @Get(value = PATH, consumes = MediaType.ALL, produces = MediaType.ALL)
    public HttpResponse<?> get(String tenant, String connection,
            @Parameter(description = PATH_DOC) @PathVariable String path,
            HttpRequest<?> request) {
        return flow.forward(tenant, connection, request);
    }

    @Operation(operationId = "proxyPost", summary = "POST to the connection's API, authenticated",
            description = DESCRIPTION)
    @Post(value = PATH, consumes = MediaType.ALL, produces = MediaType.ALL)
    public HttpResponse<?> post(String tenant, String connection,
            @Parameter(description = PATH_DOC) @PathVariable String path,
            HttpRequest<?> request) {
        return flow.forward(tenant, connection, request);
    }

    @Operation(operationId = "proxyPut", summary = "PUT to the connection's API, authenticated",
            description = DESCRIPTION)
    @Put(value = PATH, consumes = MediaType.ALL, produces = MediaType.ALL)
    public HttpResponse<?> put(String tenant, String connection,
            @Parameter(description = PATH_DOC) @PathVariable String path,
            HttpRequest<?> request) {
        return flow.forward(tenant, connection, request);
    }

    @Operation(operationId = "proxyPatch", summary = "PATCH the connection's API, authenticated",
            description = DESCRIPTION)
    @Patch(value = PATH, consumes = MediaType.ALL, produces = MediaType.ALL)
    public HttpResponse<?> patch(String tenant, String connection,
            @Parameter(description = PATH_DOC) @PathVariable String path,
            HttpRequest<?> request) {
        return flow.forward(tenant, connection, request);
    }

    @Operation(operationId = "proxyDelete", summary = "DELETE on the connection's API, authenticated",
            description = DESCRIPTION)
    @Delete(value = PATH, consumes = MediaType.ALL, produces = MediaType.ALL)
    public HttpResponse<?> delete(String tenant, String connection,
            @Parameter(description = PATH_DOC) @PathVariable String path,
            HttpRequest<?> request) {
        return flow.forward(tenant, connection, request);
    }
}
