package io.tokenbroker.adapters.http.inbound;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/**
 * The root of the OpenAPI document micronaut-openapi generates from the controllers at compile time. Shared parts
 * (the problem schema, the problem answers per status, the rate-limit and request-id headers, the two ways to
 * present an API key) live in {@code src/main/openapi/components.yml}, which the generator merges in; the constants
 * here name them for the controllers' annotations.
 */
@OpenAPIDefinition(
        info = @Info(title = "tokenbroker", version = "1",
                description = "Hands out OAuth access tokens for stored connections, refreshing them once however many "
                        + "callers ask. Every operation needs an API key with the scope its description names (an "
                        + "admin key has every scope), as `X-API-Key` or as a bearer token. Every answer carries "
                        + "`X-Request-Id` and the `RateLimit-*` headers; failures are RFC 9457 problem+json with a "
                        + "stable `type` URN (see the Problem schema)."))
final class ApiDocument {

    /** The security schemes: the same API key as {@code X-API-Key} or as {@code Authorization: Bearer}. */
    static final String API_KEY = "apiKey";
    static final String BEARER = "bearer";

    private static final String RESPONSES = "#/components/responses/";
    private static final String HEADERS = "#/components/headers/";

    static final String BAD_REQUEST = RESPONSES + "BadRequest";
    static final String UNAUTHORIZED = RESPONSES + "Unauthorized";
    static final String FORBIDDEN = RESPONSES + "Forbidden";
    static final String NOT_FOUND = RESPONSES + "NotFound";
    static final String CONFLICT = RESPONSES + "Conflict";
    static final String UNPROCESSABLE = RESPONSES + "UnprocessableEntity";
    static final String TOO_MANY_REQUESTS = RESPONSES + "TooManyRequests";
    static final String INTERNAL_ERROR = RESPONSES + "InternalError";
    static final String BAD_GATEWAY = RESPONSES + "BadGateway";
    static final String UNAVAILABLE = RESPONSES + "ServiceUnavailable";

    static final String REQUEST_ID = HEADERS + "X-Request-Id";
    static final String RATE_LIMIT_LIMIT = HEADERS + "RateLimit-Limit";
    static final String RATE_LIMIT_REMAINING = HEADERS + "RateLimit-Remaining";
    static final String RATE_LIMIT_RESET = HEADERS + "RateLimit-Reset";
    static final String REPLAYED = HEADERS + "Idempotent-Replayed";
    static final String STALE = HEADERS + "Tokenbroker-Stale";

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String IDEMPOTENCY_KEY_REF = "#/components/parameters/IdempotencyKey";

    private ApiDocument() {
    }
}
