package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The facilitator endpoints a backend calls. Blocking executor: a miss waits on the upstream (or on another
 * caller's refresh), which must not stall the event loop.
 */
@TenantScoped
@Controller("/v1/tenants/{tenant}/connections/{connection}/token")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TokenController {

    private static final Pattern WHOLE_SECONDS = Pattern.compile("[0-9]{1,9}");

    private final GetAccessToken getAccessToken;
    private final InvalidateToken invalidateToken;
    private final Clock clock;
    private final JsonMapper json;
    private final Idempotency idempotency;

    public TokenController(GetAccessToken getAccessToken, InvalidateToken invalidateToken, Clock clock,
                           JsonMapper json, Idempotency idempotency) {
        this.getAccessToken = getAccessToken;
        this.invalidateToken = invalidateToken;
        this.clock = clock;
        this.json = json;
        this.idempotency = idempotency;
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

    @Get(produces = MediaType.APPLICATION_JSON)
    @Secured("token:read")
    public HttpResponse<TokenResponse> token(String tenant, String connection,
                                             @QueryValue("min_valid_for") @Nullable String minValidFor) {
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        AccessToken token = getAccessToken.get(new GetAccessToken.Query(key, seconds(minValidFor)));
        return HttpResponse.ok(TokenResponse.of(token, clock.instant()))
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache");
    }

    /**
     * The body is read here rather than bound: a body that is present but wrong (an unknown field, a number for the
     * token) must be a 400, while binding a nullable body turns such a body into "no body", which would drop the
     * cached token unconditionally.
     */
    @Post(uri = "/invalidate", consumes = MediaType.APPLICATION_JSON)
    @Secured("token:read")
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
