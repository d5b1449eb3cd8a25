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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li>A delivery that is not answered 2xx, body included, within {@code timeout} is cancelled (its connection
 *       closed) and retried with full-jitter backoff, a bounded number of times, then given up (logged; the event
 *       stays in the log and in {@link #recent}).</li>
 *   <li>Each receiver has its own lane: at most {@code capacity} of its events waiting, in flight or between retries,
 *       at most {@code inFlightPerReceiver} of them on the wire. Beyond that its events are dropped (counted; logged
 *       once per overflow). A receiver that hangs or fails thus costs its own tenants their events, never another
 *       receiver's, and memory stays bounded (receivers come from configuration, so lanes are few).</li>
 *   <li>Exchanges are asynchronous: no thread waits for a receiver. The {@code deliveries} executor only starts
 *       attempts, handles their outcome and times the retries.</li>
 *   <li>{@link #close} stops accepting, lets queued, in-flight and retrying deliveries finish for {@code shutdownGrace}
 *       at most, then cancels the rest and counts them as {@link #lostAtShutdown}: delivery is at least once while
 *       the instance lives, not across its restarts.</li>
 * </ul>
 */
public final class WebhookConnectionEvents implements ConnectionEvents, AutoCloseable {

    public static final String SIGNATURE_HEADER = "Tokenbroker-Signature";
    private static final System.Logger LOG = System.getLogger(WebhookConnectionEvents.class.getName());

    /**
     * How deliveries behave.
     *
     * @param maxAttempts         attempts per event, the first included
     * @param timeout             the longest one attempt may take, from sending to the end of the answer's body
     * @param capacity            events of one receiver waiting, in flight or between retries, at most
     * @param inFlightPerReceiver attempts on the wire to one receiver at once, at most
     * @param shutdownGrace       how long {@link #close} lets unfinished deliveries finish
     */
    public record Settings(Backoff backoff, int maxAttempts, Duration timeout, int capacity, int inFlightPerReceiver,
                           Duration shutdownGrace) {
        public Settings {
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1");
            }
            if (inFlightPerReceiver < 1) {
                throw new IllegalArgumentException("inFlightPerReceiver must be at least 1");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive");
            }
            if (shutdownGrace.isNegative()) {
                throw new IllegalArgumentException("the shutdown grace must not be negative");
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
    // Keyed by identity: the targets are fixed instances from configuration, so this map stays as small as it.
    private final Map<Target, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lostAtShutdown = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object drained = new Object();
    // Event ids: this instance's random half, then a sequence; unique without sharing a generator across threads.
    private final String instanceId;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param recent     keeps and logs every event, whether or not it has a receiver
     * @param random     draws this instance's half of every event id (ids need to be unique, not secret)
     * @param deliveries starts attempts, handles their outcomes and schedules retries; never waits for a receiver
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
        if (closing.get()) {
            lostAtShutdown.incrementAndGet();
            return;
        }
        Delivery delivery;
        try {
            delivery = new Delivery(event, json.writeValueAsBytes(WebhookPayload.of(eventId(), event)), 1);
        } catch (IOException | RuntimeException unserialisable) {
            LOG.log(System.Logger.Level.ERROR, "could not serialise a {0} event for {1} ({2})", event.type(),
                    event.key(), unserialisable.getClass().getSimpleName());
            return;
        }
        lanes.computeIfAbsent(target.get(), Lane::new).offer(delivery);
    }

    @Override
    public List<ConnectionEvent> recent(int limit) {
        return recent.recent(limit);
    }

    /** Events accepted by a receiver (2xx). */
    public long delivered() {
        return delivered.get();
    }

    /** Attempts that failed (an error status, no answer, or no whole answer in time) and were tried again later. */
    public long retried() {
        return retried.get();
    }

    /** Events given up on after their last attempt failed. */
    public long givenUp() {
        return givenUp.get();
    }

    /** Events never sent because their receiver already had {@code capacity} events pending. */
    public long dropped() {
        return dropped.get();
    }

    /** Events unfinished when {@link #close} gave up on them, or published after it began. */
    public long lostAtShutdown() {
        return lostAtShutdown.get();
    }

    /** Events waiting, in flight or between retries right now, over all receivers. */
    public int pending() {
        return pending.get();
    }

    /**
     * Stops accepting events, waits up to {@code shutdownGrace} for the pending ones to finish (retries included,
     * when their backoff ends within it), then cancels what is left, counts it as lost and logs the count once.
     * Returns at once on a second call.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        synchronized (drained) {
            long left;
            while (pending.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        long lost = 0;
        for (Lane lane : lanes.values()) {
            lost += lane.abandon();
        }
        lostAtShutdown.addAndGet(lost);
        if (lost > 0) {
            LOG.log(System.Logger.Level.WARNING, "stopped with {0} webhook events undelivered after a grace of {1} "
                    + "ms: they are lost (they stay in the log)", lost, settings.shutdownGrace().toMillis());
        }
    }

    private void finished(int count) {
        if (pending.addAndGet(-count) == 0 && closing.get()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Runs on the delivery threads; inline once they have stopped, so every outcome is still counted. */
    private void onDeliveryThread(Runnable task) {
        try {
            deliveries.execute(task);
        } catch (RejectedExecutionException stopped) {
            task.run();
        }
    }

    private CompletableFuture<HttpResponse<Void>> send(Target target, Delivery delivery) {
        long timestamp = clock.instant().getEpochSecond();
        String signed = timestamp + "." + new String(delivery.body(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(target.url()).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + sign(target.key(), signed))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build();
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

    private String eventId() {
        return instanceId + HexFormat.of().toHexDigits(sequence.incrementAndGet());
    }

    /** One event on its way to one receiver: the body is fixed, the signature is made per attempt. */
    private record Delivery(ConnectionEvent event, byte[] body, int attempt) {

        Delivery next() {
            return new Delivery(event, body, attempt + 1);
        }
    }

    /**
     * One receiver's deliveries. Its monitor guards every field; HTTP calls, logging and scheduling happen outside it.
     */
    private final class Lane {

        private final Target target;
        private final Queue<Delivery> ready = new ArrayDeque<>();
        private final Set<CompletableFuture<?>> onTheWire = new HashSet<>();
        /** Ready, on the wire, or waiting out a backoff. */
        private int pending;
        private int starting;
        private boolean overflowing;
        private boolean abandoned;

        Lane(Target target) {
            this.target = target;
        }

        void offer(Delivery delivery) {
            boolean firstDrop = false;
            synchronized (this) {
                if (abandoned || closing.get()) {
                    lostAtShutdown.incrementAndGet();
                    return;
                }
                if (pending >= settings.capacity()) {
                    dropped.incrementAndGet();
                    firstDrop = !overflowing;
                    overflowing = true;
                } else {
                    overflowing = false;
                    pending++;
                    WebhookConnectionEvents.this.pending.incrementAndGet();
                    ready.add(delivery);
                }
            }
            if (firstDrop) {
                LOG.log(System.Logger.Level.WARNING, "the webhook receiver {0} is {1} events behind: dropping its "
                        + "events (the first: {2} for {3}) until it catches up", target, settings.capacity(),
                        delivery.event().type(), delivery.event().key());
                return;
            }
            pump();
        }

        /** Starts as many ready deliveries as the in-flight limit allows. */
        private void pump() {
            List<Delivery> starts = new ArrayList<>();
            synchronized (this) {
                while (!abandoned && onTheWire.size() + starting < settings.inFlightPerReceiver() && !ready.isEmpty()) {
                    starts.add(ready.poll());
                    starting++;
                }
            }
            starts.forEach(delivery -> onDeliveryThread(() -> start(delivery)));
        }

        private void start(Delivery delivery) {
            CompletableFuture<HttpResponse<Void>> exchange;
            try {
                exchange = send(target, delivery);
            } catch (RuntimeException refused) {
                exchange = CompletableFuture.failedFuture(refused);
            }
            boolean cancel;
            synchronized (this) {
                starting--;
                cancel = abandoned;
                if (!abandoned) {
                    onTheWire.add(exchange);
                }
            }
            if (cancel) {
                exchange.cancel(true);
                return;
            }
            CompletableFuture<HttpResponse<Void>> sent = exchange;
            // The request timeout ends at the answer's headers; this bound covers the body too. Only cancelling the
            // exchange itself closes its connection (orTimeout on it would leave the receiver holding the socket).
            exchange.copy().orTimeout(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            sent.cancel(true);
                        }
                        boolean ok = failure == null && response.statusCode() >= 200 && response.statusCode() < 300;
                        onDeliveryThread(() -> completed(sent, delivery, ok));
                    });
        }

        private void completed(CompletableFuture<?> exchange, Delivery delivery, boolean ok) {
            boolean retry = false;
            synchronized (this) {
                if (!onTheWire.remove(exchange)) {
                    return; // abandoned at shutdown and counted there
                }
                if (ok) {
                    delivered.incrementAndGet();
                    pending--;
                } else if (delivery.attempt() >= settings.maxAttempts()) {
                    givenUp.incrementAndGet();
                    pending--;
                } else {
                    retried.incrementAndGet();
                    retry = true;
                }
            }
            if (!ok && !retry) {
                LOG.log(System.Logger.Level.WARNING, "gave up delivering the {0} event for {1} to its webhook after {2} "
                        + "attempts", delivery.event().type(), delivery.event().key(), delivery.attempt());
            }
            if (!retry) {
                finished(1);
            } else {
                scheduleRetry(delivery.next());
            }
            pump();
        }

        private void scheduleRetry(Delivery delivery) {
            try {
                deliveries.schedule(() -> requeue(delivery),
                        settings.backoff().delayBefore(delivery.attempt() - 1).toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                synchronized (this) {
                    if (abandoned) {
                        return;
                    }
                    pending--;
                }
                lostAtShutdown.incrementAndGet();
                finished(1);
            }
        }

        private void requeue(Delivery delivery) {
            synchronized (this) {
                if (abandoned) {
                    return;
                }
                ready.add(delivery);
            }
            pump();
        }

        /** Gives up on everything unfinished, cancelling what is on the wire; returns how many events that was. */
        int abandon() {
            List<CompletableFuture<?>> cancelled;
            int lost;
            synchronized (this) {
                abandoned = true;
                lost = pending;
                pending = 0;
                ready.clear();
                cancelled = List.copyOf(onTheWire);
                onTheWire.clear();
            }
            cancelled.forEach(exchange -> exchange.cancel(true));
            if (lost > 0) {
                finished(lost);
            }
            return lost;
        }
    }
}
