package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The broker's own OpenAPI document (fetched from {@code GET /openapi.yml}) turned into swagger-request-validator's
 * checker: every exchange a test runs through it must match the document, request and answer alike.
 */
final class ApiContract {

    private final OpenApiInteractionValidator validator;

    ApiContract(String document) {
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
    }

    /** The request (with the body the test sent, or null) and its answer both match the document. */
    HttpResponse<String> check(HttpResponse<String> exchange, String requestBody) {
        ValidationReport report = validator.validate(request(exchange, requestBody), response(exchange));
        assertFalse(report.hasErrors(), () -> describe(exchange) + report.getMessages());
        return exchange;
    }

    /** Only the answer matches the document: for requests that are wrong on purpose (no key, a bad parameter). */
    HttpResponse<String> checkAnswer(HttpResponse<String> exchange) {
        URI uri = exchange.request().uri();
        ValidationReport report = validator.validateResponse(uri.getPath(), method(exchange), response(exchange));
        assertFalse(report.hasErrors(), () -> describe(exchange) + report.getMessages());
        return exchange;
    }

    private static String describe(HttpResponse<String> exchange) {
        return exchange.request().method() + " " + exchange.request().uri() + " → " + exchange.statusCode() + " "
                + exchange.body() + "\n";
    }

    private static Request.Method method(HttpResponse<String> exchange) {
        return Request.Method.valueOf(exchange.request().method().toUpperCase(Locale.ROOT));
    }

    private static Request request(HttpResponse<String> exchange, String body) {
        URI uri = exchange.request().uri();
        SimpleRequest.Builder request = new SimpleRequest.Builder(exchange.request().method(), uri.getPath());
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] parts = pair.split("=", 2);
                request.withQueryParam(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "");
            }
        }
        exchange.request().headers().map().forEach(request::withHeader);
        if (body != null) {
            request.withBody(body);
        }
        return request.build();
    }

    private static SimpleResponse response(HttpResponse<String> exchange) {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(exchange.statusCode());
        exchange.headers().map().forEach(response::withHeader);
        if (!exchange.body().isEmpty()) {
            response.withBody(exchange.body());
        }
        return response.build();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
