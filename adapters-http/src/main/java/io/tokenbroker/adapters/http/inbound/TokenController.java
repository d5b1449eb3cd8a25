package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.netty.channel.EventLoop;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/**
 * The facilitator endpoints a backend calls. A token this instance holds in memory is answered on the event loop,
 * one in Redis from Lettuce's reply; anything else goes to the blocking executor, since a miss waits on the upstream
 * (or on another caller's refresh), which must not stall the event loop. A miss is answered as soon as its token is
 * stored; the refresh's audit row, events and lease release follow on the worker after the answer.
 */
@TenantScoped
@Tag(name = "tokens")
@ProblemAnswers
@ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
@Controller("/v1/tenants/{tenant}/connections/{connection}/token")
public class TokenController {

    private static final Pattern WHOLE_SECONDS = Pattern.compile("[0-9]{1,9}");
    /** On a token served although the refresh it needed failed (stale-if-error). */
    static final String STALE = "Tokenbroker-Stale";
    static final String STALE_REFRESH_FAILED = "refresh-failed";

    /** The invalidation body's shape, for the API document; the body itself is read by hand (see below). */
    @Serdeable
    @Schema(name = "Invalidation", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record Invalidation(@JsonProperty("access_token") @Nullable String accessToken) {
    }

    private final GetAccessToken getAccessToken;
    private final InvalidateToken invalidateToken;
    private final Clock clock;
    private final JsonMapper json;
    private final Idempotency idempotency;
    private final Executor blocking;

    public TokenController(GetAccessToken getAccessToken, InvalidateToken invalidateToken, Clock clock,
                           JsonMapper json, Idempotency idempotency,
                           @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.getAccessToken = getAccessToken;
        this.invalidateToken = invalidateToken;
        this.clock = clock;
        this.json = json;
        this.idempotency = idempotency;
        this.blocking = blocking;
    }

    /** Only {@code access_token} (a string) is allowed; checked by hand, since the body is not bound. */
    private Optional<String> rejectedToken(byte[] body) {
        if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return Optional.empty();
        }
        Map<String, Object> fields;
        try {
            fields = json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException malformed) {
            fields = null;
        }
        Object token = fields == null ? null : fields.get("access_token");
        if (fields == null || !Set.of("access_token").containsAll(fields.keySet())
                || token != null && !(token instanceof String)) {
            throw new InvalidRequestException("the body must be {\"access_token\": \"<the rejected token>\"} or empty");
        }
        return Optional.ofNullable((String) token);
    }

    /** Bound as text so that "abc", "-5" or "1.5" are this edge's 400 rather than the framework's own answer. */
    private static Duration seconds(@Nullable String minValidFor) {
        if (minValidFor == null || minValidFor.isEmpty()) {
            return Duration.ZERO;
        }
        if (!WHOLE_SECONDS.matcher(minValidFor).matches()) {
            throw new InvalidRequestException("min_valid_for must be a whole number of seconds from 0 to 999999999");
        }
        return Duration.ofSeconds(Long.parseLong(minValidFor));
    }

    @Operation(operationId = "getToken", summary = "A valid access token for the connection",
            description = "Scope `token:read`. Served from the cache while it is outside the refresh buffer (and lasts "
                    + "`min_valid_for`), otherwise fetched once however many callers ask. When that refresh fails "
                    + "as an outage and the cached token still lasts `tokenbroker.refresh.stale-if-error-min`, it is "
                    + "served with `Tokenbroker-Stale: refresh-failed` (never with `min_valid_for`).")
    @ApiResponse(responseCode = "200", description = "The token; never cached by intermediaries.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET),
                    @Header(name = STALE, ref = ApiDocument.STALE)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TokenResponse.class)))
    @ApiResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @ApiResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    @ApiResponse(responseCode = "502", ref = ApiDocument.BAD_GATEWAY)
    @ApiResponse(responseCode = "503", ref = ApiDocument.UNAVAILABLE)
    @Get(produces = MediaType.APPLICATION_JSON)
    @Secured("token:read")
    public CompletableFuture<HttpResponse<TokenResponse>> token(String tenant, String connection,
                                             @Parameter(name = "min_valid_for", description = "Seconds the token "
                                                     + "must stay valid from now (default 0); more than a fresh "
                                                     + "token lasts is a 422.", schema = @Schema(type = "integer",
                                                     minimum = "0", maximum = "999999999"))
                                             @QueryValue("min_valid_for") @Nullable String minValidFor,
                                             HttpRequest<?> request) {
        GetAccessToken.Query query = new GetAccessToken.Query(ConnectionKey.of(tenant, connection),
                seconds(minValidFor));
        // Captured here, on the request's thread: a miss may go to the worker from Lettuce's.
        PropagatedContext context = PropagatedContext.getOrEmpty();
        Executor worker = task -> blocking.execute(context.wrap(task));
        return getAccessToken.serveWithoutBlocking(query, worker, eventLoopOf(request, context))
                .thenApply(this::answer).toCompletableFuture();
    }

    /** Where a request that joined a refresh in flight is answered: its own connection's event loop. */
    private static Executor eventLoopOf(HttpRequest<?> request, PropagatedContext context) {
        if (request instanceof NettyHttpRequest<?> netty) {
            EventLoop loop = netty.getChannelHandlerContext().channel().eventLoop();
            return task -> loop.execute(context.wrap(task));
        }
        return Runnable::run;
    }

    private HttpResponse<TokenResponse> answer(GetAccessToken.Served served) {
        MutableHttpResponse<TokenResponse> response = HttpResponse.ok(TokenResponse.of(served.token(),
                        clock.instant()))
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache");
        return served.stale() ? response.header(STALE, STALE_REFRESH_FAILED) : response;
    }

    /**
     * The body is read here rather than bound: a body that is present but wrong (an unknown field, a number for the
     * token) must be a 400, while binding a nullable body turns such a body into "no body", which would drop the
     * cached token unconditionally.
     */
    @Operation(operationId = "invalidateToken", summary = "Drop the cached token (only it, if named)",
            description = "Scope `token:read`. With `{\"access_token\": \"...\"}` only that token is dropped (a stale "
                    + "one is ignored); without a body whatever is cached is dropped.", parameters = @Parameter(
                    name = ApiDocument.IDEMPOTENCY_KEY, in = ParameterIn.HEADER, ref = ApiDocument.IDEMPOTENCY_KEY_REF),
            requestBody = @RequestBody(required = false,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Invalidation.class))))
    @ApiResponse(responseCode = "204", description = "Dropped (or nothing to drop).",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)})
    @ApiResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    @Post(uri = "/invalidate", consumes = MediaType.APPLICATION_JSON)
    @Secured("token:read")
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> invalidate(String tenant, String connection, @Body @Nullable byte[] body,
                                      HttpRequest<?> request) {
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        Optional<String> rejected = rejectedToken(body);
        return idempotency.once(request, body, () -> {
            invalidateToken.invalidate(new InvalidateToken.Command(key, rejected));
            return HttpResponse.noContent();
        });
    }
}
