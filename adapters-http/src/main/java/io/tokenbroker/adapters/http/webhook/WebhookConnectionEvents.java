package io.tokenbroker.adapters.http.webhook;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.resilience.Backoff;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends every connection event to an operator's webhook as signed JSON, in the background: publishing never waits
 * for the receiver. The signature header {@code Tokenbroker-Signature: t=<epoch seconds>,v1=<hex>} is HMAC-SHA256
 * over {@code "<t>.<body>"} with the shared secret, so a receiver can check origin and reject replays by age. A
 * delivery that fails is retried with full-jitter backoff, a bounded number of times, then logged as given up.
 * Keeps the recent events of the decorated store for the API.
 */
public final class WebhookConnectionEvents implements ConnectionEvents {

    public static final String SIGNATURE_HEADER = "Tokenbroker-Signature";
    private static final System.Logger LOG = System.getLogger(WebhookConnectionEvents.class.getName());

    private final ConnectionEvents recent;
    private final URI url;
    private final SecretKeySpec key;
    private final HttpClient http;
    private final Clock clock;
    private final Backoff backoff;
    private final int maxAttempts;
    private final ScheduledExecutorService scheduler;

    public WebhookConnectionEvents(ConnectionEvents recent, URI url, String secret, HttpClient http, Clock clock,
                                   Backoff backoff, int maxAttempts, ScheduledExecutorService scheduler) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("the webhook secret must be at least 32 characters");
        }
        this.recent = recent;
        this.url = url;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.http = http;
        this.clock = clock;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.scheduler = scheduler;
    }

    @Override
    public void publish(ConnectionEvent event) {
        recent.publish(event);
        String body = json(event);
        scheduler.execute(() -> deliver(body, 1));
    }

    @Override
    public List<ConnectionEvent> recent(int limit) {
        return recent.recent(limit);
    }

    private void deliver(String body, int attempt) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + sign(timestamp + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        boolean delivered;
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            delivered = status >= 200 && status < 300;
        } catch (java.io.IOException unreachable) {
            delivered = false;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return;
        }
        if (delivered) {
            return;
        }
        if (attempt >= maxAttempts) {
            LOG.log(System.Logger.Level.WARNING, "gave up delivering a connection event to the webhook after {0} "
                    + "attempts", attempt);
            return;
        }
        scheduler.schedule(() -> deliver(body, attempt + 1), backoff.delayBefore(attempt).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The signature a receiver recomputes: HMAC-SHA256 of {@code "<t>.<body>"}, hex. */
    public String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every JDK ships HmacSHA256", impossible);
        }
    }

    /** Ids and codes only: every field is an id, an enum name, an instant or our own sanitised text. */
    private static String json(ConnectionEvent event) {
        return "{\"type\":\"" + event.type().name().toLowerCase(java.util.Locale.ROOT) + "\",\"tenant\":\""
                + event.key().tenant().value() + "\",\"connection\":\"" + event.key().connection().value()
                + "\",\"at\":\"" + event.at() + "\",\"detail\":\"" + event.detail().replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"}";
    }
}
