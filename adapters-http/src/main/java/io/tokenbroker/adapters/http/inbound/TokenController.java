package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.tokenbroker.adapters.http.inbound.security.TenantAccess;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Clock;
import java.util.Optional;

/**
 * The facilitator endpoints a backend calls. Blocking executor: a miss waits on the upstream (or on another
 * caller's refresh), which must not stall the event loop.
 */
@Controller("/v1/tenants/{tenant}/connections/{connection}/token")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TokenController {

    private final GetAccessToken getAccessToken;
    private final InvalidateToken invalidateToken;
    private final Clock clock;

    public TokenController(GetAccessToken getAccessToken, InvalidateToken invalidateToken, Clock clock) {
        this.getAccessToken = getAccessToken;
        this.invalidateToken = invalidateToken;
        this.clock = clock;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Secured("token:read")
    public HttpResponse<TokenResponse> token(String tenant, String connection, Authentication caller) {
        ConnectionKey key = TenantAccess.require(caller, ConnectionKey.of(tenant, connection));
        AccessToken token = getAccessToken.get(new GetAccessToken.Query(key));
        return HttpResponse.ok(TokenResponse.of(token, clock.instant()))
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache");
    }

    @Post(uri = "/invalidate", consumes = MediaType.APPLICATION_JSON)
    @Secured("token:read")
    public HttpResponse<Void> invalidate(String tenant, String connection, @Body @Nullable InvalidateRequest body,
                                         Authentication caller) {
        ConnectionKey key = TenantAccess.require(caller, ConnectionKey.of(tenant, connection));
        Optional<String> rejected = Optional.ofNullable(body).map(InvalidateRequest::accessToken);
        invalidateToken.invalidate(new InvalidateToken.Command(key, rejected));
        return HttpResponse.noContent();
    }
}
