package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.TenantId;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Key management, admin scope only. A key's secret appears in exactly one response: the one that created it. */
@Tag(name = "api-keys")
@ProblemAnswers
@Controller("/v1/api-keys")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured("admin")
public class ApiKeyController {

    /** How long a rotated key keeps working beside its successor, unless the request says otherwise. */
    static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    private final ManageApiKeys manageApiKeys;
    private final Idempotency idempotency;

    /** Creating and rotating are not idempotent-replayable: their answer carries a key that is shown once. */
    public ApiKeyController(ManageApiKeys manageApiKeys, Idempotency idempotency) {
        this.manageApiKeys = manageApiKeys;
        this.idempotency = idempotency;
    }

    /** @param tenants tenant ids, or {@code ["*"]} for every tenant */
    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record CreateRequest(@NotBlank @Size(max = 100) @Nullable String name,
                                @NotEmpty @Size(max = 5) @Nullable List<@NotBlank @Size(max = 32) String> scopes,
                                @NotEmpty @Size(max = 1000) @Nullable List<@NotBlank @Size(max = 64) String> tenants,
                                @JsonProperty("expires_at") @Size(max = 64) @Nullable String expiresAt) {
    }

    /** @param graceSeconds how long the old key keeps working (default 24 h) */
    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record RotateRequest(
            @JsonProperty("grace_seconds") @PositiveOrZero @Max(2_592_000) @Nullable Long graceSeconds) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyView(String id, String name, List<String> scopes, List<String> tenants,
                          @JsonProperty("created_at") String createdAt,
                          @JsonProperty("expires_at") @Nullable String expiresAt,
                          @JsonProperty("revoked_at") @Nullable String revokedAt,
                          @JsonProperty("last_used_at") @Nullable String lastUsedAt,
                          @Nullable String key) {

        static KeyView of(ApiKey key, @Nullable String plaintext) {
            return new KeyView(key.id().value(), key.name(), key.scopes().stream().map(Scope::wireName).sorted().toList(),
                    key.tenants().all() ? List.of("*")
                            : key.tenants().tenants().stream().map(TenantId::value).sorted().toList(),
                    key.createdAt().toString(), key.expiresAt().map(Instant::toString).orElse(null),
                    key.revokedAt().map(Instant::toString).orElse(null),
                    key.lastUsedAt().map(Instant::toString).orElse(null), plaintext);
        }

        @Override
        public String toString() {
            return "KeyView[" + id + ", " + name + "]";
        }
    }

    @Operation(operationId = "createApiKey", summary = "Issue an API key",
            description = "Scope `admin`. The answer's `key` is the only time the secret is shown.")
    @ApiResponse(responseCode = "201", description = "Issued; `key` holds the secret.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView.class)))
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<KeyView> create(@Valid @Body CreateRequest body) {
        ManageApiKeys.Issue issue = issueOf(body);
        ManageApiKeys.Issued issued;
        try {
            issued = manageApiKeys.issue(issue);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidRequestException(invalid.getMessage());
        }
        return HttpResponse.<KeyView>status(HttpStatus.CREATED).header("Cache-Control", "no-store")
                .body(KeyView.of(issued.key(), issued.plaintext()));
    }

    @Operation(operationId = "listApiKeys", summary = "Every API key, without secrets", description = "Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "The keys.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)}, content = @Content(
            mediaType = MediaType.APPLICATION_JSON, array = @ArraySchema(schema = @Schema(implementation = KeyView.class))))
    @Get(produces = MediaType.APPLICATION_JSON)
    public List<KeyView> list() {
        return manageApiKeys.list().stream().map(key -> KeyView.of(key, null)).toList();
    }

    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key at once", description = "Scope `admin`.",
            parameters = @Parameter(name = ApiDocument.IDEMPOTENCY_KEY, in = ParameterIn.HEADER,
            ref = ApiDocument.IDEMPOTENCY_KEY_REF))
    @ApiResponse(responseCode = "204", description = "Revoked.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET),
                    @Header(name = "Idempotent-Replayed", ref = ApiDocument.REPLAYED)})
    @ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @ApiResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    @Delete("/{id}")
    public HttpResponse<?> revoke(String id, HttpRequest<?> request) {
        return idempotency.once(request, null, () -> {
            manageApiKeys.revoke(keyId(id));
            return HttpResponse.noContent();
        });
    }

    @Operation(operationId = "rotateApiKey", summary = "Issue a successor; the old key works for `grace_seconds`",
            description = "Scope `admin`. The answer's `key` is the only time the new secret is shown.")
    @ApiResponse(responseCode = "201", description = "The successor; `key` holds its secret.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView.class)))
    @ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @Post(uri = "/{id}/rotate", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<KeyView> rotate(String id, @Valid @Body @Nullable RotateRequest body) {
        Duration grace = Optional.ofNullable(body).map(RotateRequest::graceSeconds).map(Duration::ofSeconds)
                .orElse(DEFAULT_GRACE);
        if (grace.isNegative() || grace.compareTo(Duration.ofDays(30)) > 0) {
            throw new InvalidRequestException("grace_seconds must be between 0 and 30 days");
        }
        ManageApiKeys.Issued issued = manageApiKeys.rotate(keyId(id), grace);
        return HttpResponse.<KeyView>status(HttpStatus.CREATED).header("Cache-Control", "no-store")
                .body(KeyView.of(issued.key(), issued.plaintext()));
    }

    private static ApiKeyId keyId(String id) {
        if (!ApiKeyId.isValid(id)) {
            throw new ManageApiKeys.ApiKeyNotFoundException(null);
        }
        return new ApiKeyId(id);
    }

    private static ManageApiKeys.Issue issueOf(CreateRequest body) {
        if (body.name() == null || body.name().isBlank() || body.name().length() > 100) {
            throw new InvalidRequestException("name is required (1 to 100 characters)");
        }
        if (body.scopes() == null || body.scopes().isEmpty()) {
            throw new InvalidRequestException("scopes is required: token:read, token:refresh, connections:write, "
                    + "logs:read, admin, proxy:use");
        }
        Set<Scope> scopes = new LinkedHashSet<>();
        for (String scope : body.scopes()) {
            scopes.add(Scope.fromWireName(scope).orElseThrow(() -> new InvalidRequestException("unknown scope; known: "
                    + "token:read, token:refresh, connections:write, logs:read, admin, proxy:use")));
        }
        if (body.tenants() == null || body.tenants().isEmpty()) {
            throw new InvalidRequestException("tenants is required: tenant ids, or [\"*\"] for all");
        }
        TenantScope tenants;
        if (body.tenants().equals(List.of("*"))) {
            tenants = TenantScope.allTenants();
        } else {
            Set<TenantId> ids = new LinkedHashSet<>();
            body.tenants().forEach(tenant -> ids.add(TenantId.of(tenant)));
            tenants = TenantScope.only(ids);
        }
        Optional<Instant> expiresAt;
        try {
            expiresAt = Optional.ofNullable(body.expiresAt()).map(Instant::parse);
        } catch (DateTimeParseException malformed) {
            throw new InvalidRequestException("expires_at must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
        }
        return new ManageApiKeys.Issue(body.name(), scopes, tenants, expiresAt);
    }
}
