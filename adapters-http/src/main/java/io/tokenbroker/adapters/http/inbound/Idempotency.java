package io.tokenbroker.adapters.http.inbound;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.authentication.Authentication;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.port.out.IdempotencyRecords.Entry;
import io.tokenbroker.application.port.out.IdempotencyRecords.StoredResponse;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Replay protection for mutating requests that carry an {@code Idempotency-Key}: the first runs, a repeat within
 * the window gets the stored answer (marked {@code Idempotent-Replayed: true}) without running again, a repeat with
 * a different request is a 422, a repeat while the first still runs a 409. Requests without the header run as
 * usual. Keys are per caller. Answers that carry a secret (a new API key) are not stored, so those endpoints do not
 * take part.
 */
@Singleton
public final class Idempotency {

    static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final IdempotencyRecords records;
    private final JsonMapper json;
    private final Duration window;

    public Idempotency(IdempotencyRecords records, JsonMapper json,
                       @Value("${tokenbroker.idempotency.window:15m}") Duration window) {
        this.records = records;
        this.json = json;
        this.window = window;
    }

    /** Runs {@code action} once per idempotency key; {@code body} is what the request asked for (null if none). */
    public MutableHttpResponse<?> once(HttpRequest<?> request, Object body, Supplier<MutableHttpResponse<?>> action) {
        String presented = request.getHeaders().get(HEADER);
        if (presented == null) {
            return action.get();
        }
        if (!KEY.matcher(presented).matches()) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        String caller = request.getUserPrincipal(Authentication.class).map(Authentication::getName).orElse("-");
        String key = "idem:" + caller + ":" + sha256(presented);
        String fingerprint = sha256(request.getMethodName() + " " + request.getPath() + "\n" + serialise(body));
        Optional<Entry> existing = records.claim(key, fingerprint, window);
        if (existing.isPresent()) {
            return answerRepeat(request, existing.get(), fingerprint);
        }
        MutableHttpResponse<?> response;
        try {
            response = action.get();
        } catch (RuntimeException failed) {
            // Nothing was answered: a retry must run the request, not replay a failure.
            records.release(key);
            throw failed;
        }
        records.complete(key, fingerprint, new StoredResponse(response.code(),
                response.getBody().map(this::serialise).orElse("")), window);
        return response;
    }

    private MutableHttpResponse<?> answerRepeat(HttpRequest<?> request, Entry existing, String fingerprint) {
        if (!existing.requestFingerprint().equals(fingerprint)) {
            return Problems.response(request, HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                    "Idempotency key reused", "This Idempotency-Key was used for a different request.");
        }
        if (existing.response().isEmpty()) {
            return Problems.withRetryAfter(Problems.response(request, HttpStatus.CONFLICT, "request-in-progress",
                    "Request in progress", "A request with this Idempotency-Key is still running."),
                    Optional.of(Duration.ofSeconds(1)));
        }
        StoredResponse stored = existing.response().get();
        MutableHttpResponse<String> replay = HttpResponse.<String>status(HttpStatus.valueOf(stored.status()))
                .header("Idempotent-Replayed", "true");
        return stored.body().isEmpty() ? replay
                : replay.contentType(MediaType.APPLICATION_JSON_TYPE).body(stored.body());
    }

    private String serialise(Object body) {
        if (body == null) {
            return "";
        }
        if (body instanceof String text) {
            return text;
        }
        if (body instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        try {
            return json.writeValueAsString(body);
        } catch (IOException unserialisable) {
            throw new IllegalStateException("a response body could not be written as JSON", unserialisable);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK ships SHA-256", impossible);
        }
    }
}
