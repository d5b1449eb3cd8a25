package io.tokenbroker.adapters.http.webhook;

import io.tokenbroker.adapters.http.upstream.EgressRefusedException;
import io.tokenbroker.adapters.http.webhook.WebhookConnectionEvents.Settings;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver's deliveries: at most {@code capacity} events waiting, in flight or between retries, at most
 * {@code inFlightPerReceiver} of them on the wire; beyond that its events are dropped. A receiver that hangs or
 * fails thus costs its own tenants their events, never another receiver's. Its monitor guards every field; HTTP
 * calls, logging and scheduling happen outside it.
 */
final class WebhookLane {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookConnectionEvents.class);

    /** How an attempt ended. */
    private enum Outcome { DELIVERED, FAILED, REFUSED }

    private final Target target;
    private final Settings settings;
    private final WebhookSender sender;
    private final DeliveryTally tally;
    private final ScheduledExecutorService deliveries;
    private final Queue<WebhookDelivery> ready = new ArrayDeque<>();
    private final Set<CompletableFuture<?>> onTheWire = new HashSet<>();
    /** Ready, on the wire, or waiting out a backoff. */
    private int pending;
    private int starting;
    private boolean overflowing;
    private boolean abandoned;

    WebhookLane(Target target, Settings settings, WebhookSender sender, DeliveryTally tally,
                ScheduledExecutorService deliveries) {
        this.target = target;
        this.settings = settings;
        this.sender = sender;
        this.tally = tally;
        this.deliveries = deliveries;
    }

    void offer(WebhookDelivery delivery) {
        boolean firstDrop = false;
        synchronized (this) {
            if (abandoned || tally.closing()) {
                tally.lostAtShutdown.incrementAndGet();
                return;
            }
            if (pending >= settings.capacity()) {
                tally.dropped.incrementAndGet();
                firstDrop = !overflowing;
                overflowing = true;
            } else {
                overflowing = false;
                pending++;
                tally.accepted();
                ready.add(delivery);
            }
        }
        if (firstDrop) {
            LOG.warn("the webhook receiver {} is {} events behind: dropping its events (the first: {} for {}) until "
                    + "it catches up", target, settings.capacity(), delivery.event().type(), delivery.event().key());
            return;
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
            tally.finished(lost);
        }
        return lost;
    }

    /** Starts as many ready deliveries as the in-flight limit allows. */
    private void pump() {
        List<WebhookDelivery> starts = new ArrayList<>();
        synchronized (this) {
            while (!abandoned && onTheWire.size() + starting < settings.inFlightPerReceiver() && !ready.isEmpty()) {
                starts.add(ready.poll());
                starting++;
            }
        }
        starts.forEach(delivery -> onDeliveryThread(() -> start(delivery)));
    }

    private void start(WebhookDelivery delivery) {
        // No egress check here: the sender's client checks the receiver's addresses in the lookup it connects with,
        // and refuses before opening anything. A check of its own first would cost a second lookup per attempt and
        // decide nothing: the connection would still go where the second answer said.
        CompletableFuture<Integer> exchange;
        try {
            exchange = sender.send(target, delivery.body());
        } catch (RuntimeException failed) {
            exchange = CompletableFuture.failedFuture(failed);
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
        CompletableFuture<Integer> sent = exchange;
        // The client's response timeout bounds each wait for the receiver; this bound covers the whole attempt, body
        // included. Only cancelling the exchange itself closes its connection (orTimeout on it would leave the
        // receiver holding the socket).
        exchange.copy().orTimeout(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((status, failure) -> {
                    if (failure != null) {
                        sent.cancel(true);
                    }
                    Outcome outcome = outcome(status, failure);
                    onDeliveryThread(() -> completed(sent, delivery, outcome));
                });
    }

    /** A refusal at connect time is told apart from other failures by its type among the causes. */
    private static Outcome outcome(Integer status, Throwable failure) {
        if (failure != null) {
            return EgressRefusedException.in(failure).isPresent() ? Outcome.REFUSED : Outcome.FAILED;
        }
        return status >= 200 && status < 300 ? Outcome.DELIVERED : Outcome.FAILED;
    }

    private void completed(CompletableFuture<?> exchange, WebhookDelivery delivery, Outcome outcome) {
        boolean retry = false;
        synchronized (this) {
            if (!onTheWire.remove(exchange)) {
                return; // abandoned at shutdown and counted there
            }
            switch (outcome) {
                case DELIVERED -> tally.delivered.incrementAndGet();
                // A retry would meet the same policy: the event is counted and given up at once.
                case REFUSED -> tally.refused.incrementAndGet();
                case FAILED -> {
                    if (delivery.attempt() >= settings.maxAttempts()) {
                        tally.givenUp.incrementAndGet();
                    } else {
                        tally.retried.incrementAndGet();
                        retry = true;
                    }
                }
            }
            if (!retry) {
                pending--;
            }
        }
        if (outcome == Outcome.REFUSED) {
            LOG.warn("the egress policy refuses the webhook receiver {}: the {} event for {} is not sent", target,
                    delivery.event().type(), delivery.event().key());
        } else if (outcome == Outcome.FAILED && !retry) {
            LOG.warn("gave up delivering the {} event for {} to its webhook after {} attempts",
                    delivery.event().type(), delivery.event().key(), delivery.attempt());
        }
        if (retry) {
            scheduleRetry(delivery.next());
        } else {
            tally.finished(1);
        }
        pump();
    }

    private void scheduleRetry(WebhookDelivery delivery) {
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
            tally.lostAtShutdown.incrementAndGet();
            tally.finished(1);
        }
    }

    private void requeue(WebhookDelivery delivery) {
        synchronized (this) {
            if (abandoned) {
                return;
            }
            ready.add(delivery);
        }
        pump();
    }

    /** Runs on the delivery threads; inline once they have stopped, so every outcome is still counted. */
    private void onDeliveryThread(Runnable task) {
        try {
            deliveries.execute(task);
        } catch (RejectedExecutionException stopped) {
            task.run();
        }
    }
}
