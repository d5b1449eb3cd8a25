package io.tokenbroker.adapters.http.webhook;

import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One attempt on the wire: signs the body afresh ({@code t=<epoch seconds>,v1=<hex>}, HMAC-SHA256 over
 * {@code "<t>.<body>"} with the receiver's secret, so a receiver checks origin and rejects replays by age) and
 * sends it asynchronously, so no thread waits for the receiver. Receivers are operator configuration, so the egress
 * policy applies to them as to operator-saved connections.
 */
final class WebhookSender {

    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private final EgressGuard egress;

    WebhookSender(HttpClient http, Clock clock, Duration timeout, EgressGuard egress) {
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
        this.egress = egress;
    }

    /**
     * Whether the egress policy refuses the receiver's addresses now (they may have changed since start-up). A name
     * that does not resolve is not refused here: the exchange fails on it and is retried like any unreachable
     * receiver.
     */
    boolean refused(Target target) {
        try {
            return egress.checkBeforeCall(target.url(), SavedBy.OPERATOR).isPresent();
        } catch (UnknownHostException unresolved) {
            return false;
        }
    }

    /** The exchange; the request timeout bounds it up to the answer's headers only. */
    CompletableFuture<HttpResponse<Void>> send(Target target, byte[] body) {
        long timestamp = clock.instant().getEpochSecond();
        String signed = timestamp + "." + new String(body, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(target.url()).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(WebhookConnectionEvents.SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + sign(target.key(), signed))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    }

    /** HMAC-SHA256 of {@code payload} with {@code key}, hex: what a receiver recomputes. */
    static String sign(SecretKeySpec key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every JDK ships HmacSHA256", impossible);
        }
    }
}
