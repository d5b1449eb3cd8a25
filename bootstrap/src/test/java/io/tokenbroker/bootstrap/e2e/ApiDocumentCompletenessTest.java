package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.egress.EgressRefusal;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The API document as compiled (what {@code GET /openapi.yml} serves) names every failure a caller can meet, and
 * every success answer declares the headers every answer carries. Failures are read off the sealed
 * {@link BrokerException} family itself, so a new subclass fails this test until the document names its type.
 */
class ApiDocumentCompletenessTest {

    private static final List<String> EDGE_HEADERS = List.of("X-Request-Id", "RateLimit-Limit",
            "RateLimit-Remaining", "RateLimit-Reset");

    private static String text() throws IOException {
        try (InputStream in = ApiDocumentCompletenessTest.class.getResourceAsStream(
                "/META-INF/swagger/tokenbroker.yml")) {
            assertNotNull(in, "the generated document is on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyProblemTypeOfTheBrokerIsNamedInTheDocument() throws Exception {
        String document = text();
        TreeSet<String> types = new TreeSet<>();
        for (Class<?> failure : concrete(BrokerException.class)) {
            for (BrokerException sample : samples(failure)) {
                types.add(sample.problemType());
            }
        }
        types.addAll(List.of("proxy-not-configured", "proxy-body-too-large", "proxy-upstream-unreachable",
                "proxy-upstream-timeout", "invalid-request", "invalid-identifier"));

        List<String> missing = types.stream()
                .filter(type -> !Pattern.compile("\\b" + Pattern.quote(type) + "\\b").matcher(document).find())
                .toList();
        assertTrue(types.size() >= 14, types.toString());
        assertEquals(List.of(), missing, "problem types the document does not name");
    }

    @Test
    void everySuccessAnswerOfTheApiDeclaresTheRequestIdAndTheRateLimitHeaders() throws Exception {
        OpenAPI document = new OpenAPIV3Parser().readContents(text()).getOpenAPI();
        List<String> lacking = new ArrayList<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (!path.startsWith("/v1/")) {
                return; // the document and its page: not under the rate limits
            }
            for (Map.Entry<String, ApiResponse> answer : operation.getResponses().entrySet()) {
                if (!answer.getKey().startsWith("2")) {
                    continue;
                }
                Map<String, ?> headers = answer.getValue().getHeaders() == null ? Map.of()
                        : answer.getValue().getHeaders();
                // A proxied answer is the API's own: the broker adds only its request id.
                List<String> expected = path.startsWith("/v1/proxy/") ? List.of("X-Request-Id") : EDGE_HEADERS;
                if (!headers.keySet().containsAll(expected)) {
                    lacking.add(method + " " + path + " " + answer.getKey() + " " + headers.keySet());
                }
            }
        }));
        assertEquals(List.of(), lacking);
    }

    /** The concrete classes of a sealed family, nested families included. */
    private static List<Class<?>> concrete(Class<?> type) {
        List<Class<?>> found = new ArrayList<>();
        if (!Modifier.isAbstract(type.getModifiers())) {
            found.add(type);
        }
        if (type.isSealed()) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                found.addAll(concrete(sub));
            }
        }
        return found;
    }

    /**
     * Instances built from sample arguments: through the public constructor, or where there is none through every
     * public static factory (one per problem type); a parameter type it cannot build fails with its name.
     */
    private static List<BrokerException> samples(Class<?> failure) throws ReflectiveOperationException {
        List<BrokerException> built = new ArrayList<>();
        if (failure.getConstructors().length > 0) {
            Constructor<?> constructor = failure.getConstructors()[0];
            built.add((BrokerException) constructor.newInstance(arguments(constructor.getParameterTypes(), failure)));
            return built;
        }
        for (Method factory : failure.getMethods()) {
            if (Modifier.isStatic(factory.getModifiers()) && factory.getReturnType() == failure) {
                built.add((BrokerException) factory.invoke(null, arguments(factory.getParameterTypes(), failure)));
            }
        }
        assertFalse(built.isEmpty(), failure + " has neither a public constructor nor a static factory");
        return built;
    }

    private static Object[] arguments(Class<?>[] types, Class<?> failure) {
        Object[] arguments = new Object[types.length];
        for (int i = 0; i < arguments.length; i++) {
            arguments[i] = sampleOf(types[i], failure);
        }
        return arguments;
    }

    private static Object sampleOf(Class<?> type, Class<?> failure) {
        if (type == String.class) {
            return "sample";
        }
        if (type == ConnectionKey.class) {
            return ConnectionKey.of("acme", "crm");
        }
        if (type == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (type == Instant.class) {
            return Instant.EPOCH;
        }
        if (type == Optional.class) {
            return Optional.empty();
        }
        if (type == OptionalInt.class) {
            return OptionalInt.empty();
        }
        if (type == ApiKeyId.class || Throwable.class.isAssignableFrom(type)) {
            return null;
        }
        if (type == EgressRefusal.class) {
            return new EgressRefusal(EgressRefusal.Reason.NOT_HTTP, "sample");
        }
        throw new AssertionError("teach this test to build a " + type.getName() + " for " + failure.getName());
    }
}
