package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
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
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.CreateConnectLink;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.Optional;

/** Creates connect links: the URL a tenant's user opens to consent to an authorization-code connection. */
@TenantScoped
@Tag(name = "connections")
@ProblemAnswers
@ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
@Controller("/v1/tenants/{tenant}/connections/{connection}/connect")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ConnectLinkController {

    private final CreateConnectLink createLink;
    private final PublicAddress publicAddress;

    public ConnectLinkController(CreateConnectLink createLink, PublicAddress publicAddress) {
        this.createLink = createLink;
        this.publicAddress = publicAddress;
    }

    @Operation(operationId = "createConnectLink", summary = "Create a connect link for a user's consent",
            description = "Scope `connections:write`. For authorization_code connections (oauth2, genesys and ebay "
                    + "with grant authorization_code; quickbooks). The link needs no API key, completes at most one "
                    + "authorization and expires (expires_in seconds, 1800 by default, at most 86400). return_url must "
                    + "lie under tokenbroker.connect.allowed-return-urls; the browser returns there with tenant, "
                    + "connection and result (connected, or error with an error code) — a hint only: confirm with "
                    + "GET …/status.")
    @ApiResponse(responseCode = "201", description = "Created.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ConnectLinkView.class)))
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Secured("connections:write")
    public HttpResponse<ConnectLinkView> create(String tenant, String connection,
                                                @Valid @Body @Nullable ConnectLinkRequest body) {
        ConnectLinkRequest request = body == null ? ConnectLinkRequest.empty() : body;
        CreateConnectLink.Created created = createLink.create(new CreateConnectLink.Command(
                ConnectionKey.of(tenant, connection), Optional.ofNullable(request.returnUrl()),
                Optional.ofNullable(request.scopes()), Optional.ofNullable(request.expiresIn())
                        .map(Duration::ofSeconds).orElse(CreateConnectLink.Command.DEFAULT_EXPIRY)));
        return HttpResponse.created(new ConnectLinkView(publicAddress.connectUrl(created.link()).toString(),
                created.expiresAt().toString()));
    }
}
