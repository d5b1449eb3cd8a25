package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
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
