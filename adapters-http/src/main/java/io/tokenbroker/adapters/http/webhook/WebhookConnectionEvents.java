package io.tokenbroker.adapters.http.webhook;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.resilience.Backoff;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends each connection event to its tenant's webhook (or the default one) as signed JSON, in the background:
 * {@link #publish} only logs, serialises and enqueues, so it never waits for a receiver.
 *
 * <ul>
 *   <li>Signature header {@code Tokenbroker-Signature: t=<epoch seconds>,v1=<hex>}: HMAC-SHA256 over
 *       {@code "<t>.<body>"} with the receiver's secret, computed afresh for each attempt, so a receiver checks
 *       origin and rejects replays by age.</li>
 *   <li>A delivery that is not answered 2xx in time is retried with full-jitter backoff, a bounded number of times,
 *       then given up (logged; the event stays in the log and in {@link #recent}).</li>
 *   <li>Bounded: at most {@code capacity} events are waiting, in flight or between retries at once; beyond that an
 *       event is dropped (counted; logged once per overflow) rather than queued without end, so a flapping
 *       connection or a dead receiver cannot exhaust memory.</li>
 *   <li>Deliveries run on a few threads with a request timeout: a receiver that hangs holds one thread for at most
 *       that long.</li>
 * </ul>
 */
public final class WebhookConnectionEvents implements ConnectionEvents {

    public static final String SIGNATURE_HEADER = "Tokenbroker-Signature";
    private static final System.Logger LOG = System.getLogger(WebhookConnectionEvents.class.getName());

    /**
     * How deliveries behave.
     *
     * @param maxAttempts attempts per event, the first included
     * @param timeout     the longest one attempt waits for the receiver's answer
     * @param capacity    events waiting, in flight or between retries, at most
     */
    public record Settings(Backoff backoff, int maxAttempts, Duration timeout, int capacity) {
        public Settings {
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(timeout, "timeout");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive");
            }
        }
    }

    private final ConnectionEvents recent;
    private final WebhookTargets targets;
    private final JsonMapper json;
    private final HttpClient http;
    private final Clock clock;
    private final Settings settings;
    private final ScheduledExecutorService deliveries;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean overflowing = new AtomicBoolean();
    // Event ids: this instance's random half, then a sequence; unique without sharing a generator across threads.
    private final String instanceId;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param recent     keeps and logs every event, whether or not it has a receiver
     * @param random     draws this instance's half of every event id (ids need to be unique, not secret)
     * @param deliveries runs attempts and schedules retries; its threads are the only ones that wait for receivers
     */
    public WebhookConnectionEvents(ConnectionEvents recent, WebhookTargets targets, JsonMapper json, HttpClient http,
                                   Clock clock, RandomGenerator random, Settings settings,
                                   ScheduledExecutorService deliveries) {
        this.recent = Objects.requireNonNull(recent, "recent");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.json = Objects.requireNonNull(json, "json");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.instanceId = HexFormat.of().toHexDigits(Objects.requireNonNull(random, "random").nextLong());
        this.settings = Objects.requireNonNull(settings, "settings");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    }

    @Override
    public void publish(ConnectionEvent event) {
        recent.publish(event);
        Optional<Target> target = targets.forTenant(event.key().tenant());
        if (target.isEmpty()) {
            return;
        }
        if (pending.incrementAndGet() > settings.capacity()) {
            pending.decrementAndGet();
            drop(event);
            return;
        }
        overflowing.set(false);
        Delivery delivery;
        try {
            delivery = new Delivery(event, target.get(), json.writeValueAsBytes(WebhookPayload.of(eventId(), event)));
        } catch (IOException | RuntimeException unserialisable) {
            pending.decrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "could not serialise a {0} event for {1} ({2})", event.type(),
                    event.key(), unserialisable.getClass().getSimpleName());
            return;
        }
        submit(() -> attempt(delivery, 1), 0);
    }

    @Override
    public List<ConnectionEvent> recent(int limit) {
        return recent.recent(limit);
    }

    /** Events accepted by a receiver (2xx). */
    public long delivered() {
        return delivered.get();
    }

    /** Attempts that failed and were tried again later. */
    public long retried() {
        return retried.get();
    }

    /** Events given up on after their last attempt failed. */
    public long givenUp() {
        return givenUp.get();
    }

    /** Events never sent because {@code capacity} events were already pending. */
    public long dropped() {
        return dropped.get();
    }

    /** Events waiting, in flight or between retries right now. */
    public int pending() {
        return pending.get();
    }

    private void drop(ConnectionEvent event) {
        dropped.incrementAndGet();
        if (overflowing.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "webhook deliveries are {0} behind: dropping events (the first: {1} "
                    + "for {2}) until they catch up", settings.capacity(), event.type(), event.key());
        }
    }

    private void submit(Runnable task, long delayMillis) {
        try {
            if (delayMillis <= 0) {
                deliveries.execute(task);
            } else {
                deliveries.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException shuttingDown) {
            pending.decrementAndGet();
        }
    }

    private void attempt(Delivery delivery, int attempt) {
        Outcome outcome = send(delivery);
        if (outcome == Outcome.STOPPING) {
            pending.decrementAndGet();
            return;
        }
        if (outcome == Outcome.DELIVERED) {
            delivered.incrementAndGet();
            pending.decrementAndGet();
            return;
        }
        if (attempt >= settings.maxAttempts()) {
            givenUp.incrementAndGet();
            pending.decrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "gave up delivering the {0} event for {1} to its webhook after {2} "
                    + "attempts", delivery.event().type(), delivery.event().key(), attempt);
            return;
        }
        retried.incrementAndGet();
        submit(() -> attempt(delivery, attempt + 1), settings.backoff().delayBefore(attempt).toMillis());
    }

    private Outcome send(Delivery delivery) {
        long timestamp = clock.instant().getEpochSecond();
        String signed = timestamp + "." + new String(delivery.body(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(delivery.target().url()).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + sign(delivery.target().key(), signed))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300 ? Outcome.DELIVERED : Outcome.FAILED;
        } catch (IOException unreachableOrTimedOut) {
            return Outcome.FAILED;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return Outcome.STOPPING;
        }
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

    private String eventId() {
        return instanceId + HexFormat.of().toHexDigits(sequence.incrementAndGet());
    }

    private enum Outcome { DELIVERED, FAILED, STOPPING }

    /** One event on its way to one receiver: the body is fixed, the signature is made per attempt. */
    private record Delivery(ConnectionEvent event, Target target, byte[] body) {
    }
}
