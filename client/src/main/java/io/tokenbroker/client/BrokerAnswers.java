package io.tokenbroker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/** Reads the broker's answers: a token, or a problem+json body with its {@code Retry-After}. */
final class BrokerAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrokerAnswers() {
    }

    static byte[] invalidation(String rejectedToken) {
        try {
            return JSON.writeValueAsBytes(Map.of("access_token", rejectedToken));
        } catch (IOException impossible) {
            throw new IllegalStateException("a map of one string did not serialise", impossible);
        }
    }

    /** The token of a 200 answer; an answer without one is the broker's fault, reported without its body. */
    static Token token(byte[] body) {
        try {
            JsonNode answer = JSON.readTree(body);
            String value = answer.path("access_token").textValue();
            String type = answer.path("token_type").asText("Bearer");
            String expiresAt = answer.path("expires_at").textValue();
            if (value != null && !value.isBlank() && expiresAt != null) {
                return new Token(value, type, Instant.parse(expiresAt));
            }
        } catch (IOException | DateTimeParseException malformed) {
            // falls through to the same failure as a missing field; the body may hold a token, so it is not quoted
        }
        throw new TokenBrokerException(Problem.broker("malformed-answer", "The broker's answer was not a token",
                200, "access_token or expires_at missing or unreadable"), Optional.empty());
    }

    /** The typed failure for a non-2xx answer; a body that is not a problem still gives the status. */
    static TokenBrokerException failure(HttpResponse<byte[]> response, Clock clock) {
        int status = response.statusCode();
        Problem problem;
        try {
            JsonNode body = JSON.readTree(response.body());
            problem = new Problem(body.path("type").asText("about:blank"),
                    body.path("title").asText("HTTP " + status),
                    body.path("status").asInt(status),
                    body.path("detail").textValue());
        } catch (IOException | RuntimeException notJson) {
            problem = new Problem("about:blank", "HTTP " + status, status, null);
        }
        return TokenBrokerException.of(problem, retryAfter(response.headers().firstValue("Retry-After"), clock));
    }

    /** RFC 9110 {@code Retry-After}: delay seconds or an HTTP date; anything else is ignored. */
    static Optional<Duration> retryAfter(Optional<String> header, Clock clock) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration left = Duration.between(clock.instant(), at);
                return Optional.of(left.isNegative() ? Duration.ZERO : left);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
