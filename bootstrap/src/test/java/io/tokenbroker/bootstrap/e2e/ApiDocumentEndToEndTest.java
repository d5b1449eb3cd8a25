package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.http.HttpMethod;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The API document is served, complete, and browsable from the broker alone. */
@MicronautTest
class ApiDocumentEndToEndTest {

    /**
     * Routes that are not the API: the management endpoints (documented in docs/operations.md, open to probes) and
     * the benchmark endpoint of the demo sandbox (off unless {@code tokenbroker.demo.enabled}).
     */
    private static final Set<String> NOT_THE_API = Set.of("/health", "/health/{selector}", "/prometheus",
            "/prometheus/{name}", "/v1/bench/constant", "/v1/bench/constant-event-loop",
            // The connect flow's browser pages (docs/providers.md): a person follows them, no API caller.
            "/v1/connect/{link}", "/v1/oauth/callback");
    private static final Pattern ORIGIN = Pattern.compile("(?i)\\b(?:https?:)?//[a-z0-9.-]+");
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"([^\"]+)\"");

    @Inject
    EmbeddedServer server;
    @Inject
    Router router;

    private OpenAPI document() {
        HttpResponse<String> served = new BrokerClient(server.getURI(), null).get("/openapi.yml");
        assertEquals(200, served.statusCode(), "open to anonymous callers");
        assertTrue(served.headers().firstValue("Content-Type").orElseThrow().startsWith("application/yaml"));
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body());
        assertEquals(List.of(), parsed.getMessages(), "the document parses cleanly");
        OpenAPI document = parsed.getOpenAPI();
        assertTrue(document.getComponents().getResponses().keySet().containsAll(List.of("BadRequest", "Unauthorized",
                "Forbidden", "NotFound", "Conflict", "UnprocessableEntity", "TooManyRequests", "InternalError",
                "BadGateway", "ServiceUnavailable")), "the shared problem answers are merged in");
        assertTrue(document.getComponents().getSchemas().containsKey("Problem"));
        assertEquals(Set.of("apiKey", "bearer"), document.getComponents().getSecuritySchemes().keySet());
        return document;
    }

    @Test
    void everyRouteOfTheBrokerIsInTheDocument() {
        OpenAPI document = document();
        List<String> routes = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        router.uriRoutes().forEach(route -> {
            // A variable's pattern ({path:.*}, the proxy's tail) is the router's business; the document names it.
            String path = route.getUriMatchTemplate().toString().replaceAll("\\{[?&][^}]*}", "")
                    .replaceAll("\\{(\\w+):[^}]*}", "{$1}");
            // HEAD is Micronaut's implicit twin of each GET; OPTIONS answers CORS.
            if (NOT_THE_API.contains(path) || route.getHttpMethod() == HttpMethod.HEAD
                    || route.getHttpMethod() == HttpMethod.OPTIONS) {
                return;
            }
            routes.add(route.getHttpMethodName() + " " + path);
            PathItem item = document.getPaths().get(path);
            Map<PathItem.HttpMethod, ?> operations = item == null ? Map.of() : item.readOperationsMap();
            if (!operations.containsKey(PathItem.HttpMethod.valueOf(route.getHttpMethodName()))) {
                missing.add(route.getHttpMethodName() + " " + path);
            }
        });
        assertTrue(routes.size() >= 15, "found only " + routes);
        assertEquals(List.of(), missing, "routes the document lacks");
    }

    @Test
    void everyOperationNamesItsScopeAndItsProblemAnswers() {
        document().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String name = method + " " + path;
            assertTrue(operation.getOperationId() != null && operation.getDescription() != null, name);
            boolean open = operation.getSecurity() == null;
            assertEquals(open, path.equals("/openapi.yml") || path.equals("/docs")
                    || path.equals("/v1/audit/public-key"), name + ": only the docs and the audit public key are open");
            assertTrue(open || operation.getDescription().contains("Scope `"), name + " names no scope");
            if (!open) {
                assertTrue(operation.getResponses().keySet().containsAll(List.of("400", "401", "403", "429", "500")),
                        name + " lacks its problem answers");
            }
        }));
    }

    @Test
    void theDocsPageAndEverythingItLoadsComeFromTheBroker() {
        BrokerClient anonymous = new BrokerClient(server.getURI(), null);
        HttpResponse<String> page = anonymous.get("/docs");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));

        Matcher origins = ORIGIN.matcher(page.body());
        assertTrue(!origins.find(), () -> "the page names another origin: " + origins.group());
        Matcher assets = ASSET.matcher(page.body());
        List<String> loaded = new ArrayList<>();
        while (assets.find()) {
            loaded.add(assets.group(1));
        }
        assertTrue(loaded.contains("/docs/assets/swagger-ui-bundle.js"), loaded.toString());
        for (String asset : loaded) {
            assertTrue(asset.startsWith("/"), asset + " is not on this broker");
            assertEquals(200, anonymous.get(asset).statusCode(), asset);
        }
        assertTrue(loaded.contains("/docs/page/init.js"), loaded.toString());
        String init = anonymous.get("/docs/page/init.js").body();
        assertTrue(init.contains("url: \"/openapi.yml\""), "the page reads this broker's document");
        assertTrue(init.contains("validatorUrl: null"), "no call to the public validator badge");
        assertTrue(!page.body().contains("<script>"), "no inline script: the policy refuses it");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self';") && !policy.contains("unsafe-inline"), policy);
    }

    @Test
    void onlyTheDocumentAndItsPageAreOpenNotTheRestOfTheApi() {
        BrokerClient anonymous = new BrokerClient(server.getURI(), null);

        assertEquals(401, anonymous.get("/v1/status").statusCode());
        assertEquals(404, anonymous.get("/token_info").statusCode(), "micronaut-security's introspection is off");
        HttpResponse<String> escape = anonymous.get("/docs/assets/../../v1/status");
        assertTrue(escape.statusCode() == 401 || escape.statusCode() == 404, escape.statusCode() + " " + escape.body());
    }
}
