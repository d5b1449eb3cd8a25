package io.tokenbroker.adapters.http.webhook;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.EgressDnsResolver;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.resilience.Backoff;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li>Each receiver has its own lane ({@link WebhookLane}): at most {@code capacity} of its events waiting, in flight or between retries,
 *       at most {@code inFlightPerReceiver} of them on the wire. Beyond that its events are dropped (counted; logged
 *       once per overflow). A receiver that hangs or fails thus costs its own tenants their events, never another
 *       receiver's, and memory stays bounded (receivers come from configuration, so lanes are few).</li>
 *   <li>The egress policy judges a receiver's addresses in the lookup its connection is made with
 *       ({@link WebhookSender}): an address it refuses is never connected to, and the event is counted as
 *       {@link #refused} and not retried.</li>
 *   <li>Exchanges are asynchronous: no thread waits for a receiver. The {@code deliveries} executor only starts
 *       attempts, handles their outcome and times the retries.</li>
 *   <li>{@link #close} stops accepting, lets queued, in-flight and retrying deliveries finish for {@code shutdownGrace}
 *       at most, then cancels the rest and counts them as {@link #lostAtShutdown}: delivery is at least once while
 *       the instance lives, not across its restarts.</li>
 * </ul>
 */
public final class WebhookConnectionEvents implements ConnectionEvents, AutoCloseable {

    public static final String SIGNATURE_HEADER = "Tokenbroker-Signature";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookConnectionEvents.class);

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
    private final Settings settings;
    private final WebhookSender sender;
    private final ScheduledExecutorService deliveries;
    private final DeliveryTally tally = new DeliveryTally();
    // Keyed by identity: the targets are fixed instances from configuration, so this map stays as small as it.
    private final Map<Target, WebhookLane> lanes = new ConcurrentHashMap<>();
    // Event ids: this instance's random half, then a sequence; unique without sharing a generator across threads.
    private final String instanceId;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param recent     keeps and logs every event, whether or not it has a receiver
     * @param egress     resolves every receiver's host name when a connection to it is opened, and checks the
     *                   addresses: a receiver whose address it refuses gets nothing, and no retry. Its
     *                   {@code SavedBy} is how receivers are judged (operator-saved, in production)
     * @param random     draws this instance's half of every event id (ids need to be unique, not secret)
     * @param deliveries starts attempts, handles their outcomes and schedules retries; never waits for a receiver
     */
    public WebhookConnectionEvents(ConnectionEvents recent, WebhookTargets targets, JsonMapper json,
                                   EgressDnsResolver egress, Clock clock, RandomGenerator random, Settings settings,
                                   ScheduledExecutorService deliveries) {
        this.recent = Objects.requireNonNull(recent, "recent");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.json = Objects.requireNonNull(json, "json");
        this.instanceId = HexFormat.of().toHexDigits(Objects.requireNonNull(random, "random").nextLong());
        this.settings = Objects.requireNonNull(settings, "settings");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        Objects.requireNonNull(clock, "clock");
        // Started last, once nothing else can fail: close() is what stops its threads.
        this.sender = new WebhookSender(WebhookSender.client(Objects.requireNonNull(egress, "egress"),
                settings.timeout(), settings.inFlightPerReceiver() * Math.max(1, targets.receivers())), clock);
    }

    @Override
    public void publish(ConnectionEvent event) {
        recent.publish(event);
        Optional<Target> target = targets.forTenant(event.key().tenant());
        if (target.isEmpty()) {
            return;
        }
        if (tally.closing()) {
            tally.lostAtShutdown.incrementAndGet();
            return;
        }
        WebhookDelivery delivery;
        try {
            delivery = new WebhookDelivery(event, json.writeValueAsBytes(WebhookPayload.of(eventId(), event)), 1);
        } catch (IOException | RuntimeException unserialisable) {
            LOG.error("could not serialise a {} event for {} ({})", event.type(), event.key(),
                    unserialisable.getClass().getSimpleName());
            return;
        }
        lanes.computeIfAbsent(target.get(), receiver -> new WebhookLane(receiver, settings, sender, tally, deliveries))
                .offer(delivery);
    }

    @Override
    public List<ConnectionEvent> recent(int limit) {
        return recent.recent(limit);
    }

    /** Events accepted by a receiver (2xx). */
    public long delivered() {
        return tally.delivered.get();
    }

    /** Attempts that failed (an error status, no answer, or no whole answer in time) and were tried again later. */
    public long retried() {
        return tally.retried.get();
    }

    /** Events given up on after their last attempt failed. */
    public long givenUp() {
        return tally.givenUp.get();
    }

    /** Events never sent because their receiver already had {@code capacity} events pending. */
    public long dropped() {
        return tally.dropped.get();
    }

    /** Events not sent because the egress policy refuses their receiver's address; never retried. */
    public long refused() {
        return tally.refused.get();
    }

    /** Events unfinished when {@link #close} gave up on them, or published after it began. */
    public long lostAtShutdown() {
        return tally.lostAtShutdown.get();
    }

    /** Events waiting, in flight or between retries right now, over all receivers. */
    public int pending() {
        return tally.pending();
    }

    /**
     * Stops accepting events, waits up to {@code shutdownGrace} for the pending ones to finish (retries included,
     * when their backoff ends within it), then cancels what is left, counts it as lost and logs the count once, and
     * closes the HTTP client with its connections and threads. Returns at once on a second call.
     */
    @Override
    public void close() {
        if (!tally.beginClosing()) {
            return;
        }
        tally.awaitDrained(System.nanoTime() + settings.shutdownGrace().toNanos());
        long lost = 0;
        for (WebhookLane lane : lanes.values()) {
            lost += lane.abandon();
        }
        tally.lostAtShutdown.addAndGet(lost);
        sender.close();
        if (lost > 0) {
            LOG.warn("stopped with {} webhook events undelivered after a grace of {} ms: they are lost (they stay in "
                    + "the log)", lost, settings.shutdownGrace().toMillis());
        }
    }

    private String eventId() {
        return instanceId + HexFormat.of().toHexDigits(sequence.incrementAndGet());
    }
}
