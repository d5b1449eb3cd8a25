package io.tokenbroker.adapters.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What happened to a connection's token or lease, announced on the connection's channel to every instance: a token
 * was stored, a token was invalidated, a lease was released. Waiters for a lease wake on any of them and near
 * caches evict on them.
 *
 * <p>One pattern subscription per instance rather than one subscription per waiting key: subscribing and
 * unsubscribing per wait would cost two round trips per wait and race with the event it waits for. Lettuce
 * subscribes again by itself after a reconnect. Messages carry at most a fingerprint, never a token.
 */
public final class RedisEvents implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisEvents.class.getName());

    /** What happened; {@code fingerprint} names the token stored or invalidated, empty for "any token". */
    public record Event(ConnectionKey key, Type type, Optional<Fingerprint> fingerprint) {

        public Event {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(fingerprint, "fingerprint");
        }
    }

    public enum Type { STORED, INVALIDATED, RELEASED }

    private final StatefulRedisPubSubConnection<String, String> connection;
    private final RedisKeys keys;
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> resubscribeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> revocationListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();
    private final ConcurrentMap<ConnectionKey, Set<CompletableFuture<Type>>> waiters = new ConcurrentHashMap<>();

    RedisEvents(StatefulRedisPubSubConnection<String, String> connection, RedisKeys keys, Duration timeout) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.keys = Objects.requireNonNull(keys, "keys");
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                dispatch(channel, message);
            }

            @Override
            public void message(String channel, String message) {
                if (channel.equals(keys.keyRevocationChannel())) {
                    revocationListeners.forEach(listener -> listener.accept(message));
                }
            }

            @Override
            public void psubscribed(String pattern, long count) {
                // Lettuce subscribes again after every reconnect: messages sent meanwhile are lost.
                if (!subscribedOnce.compareAndSet(false, true)) {
                    resubscribed();
                }
            }
        });
        try {
            connection.async().psubscribe(keys.channelPattern()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            connection.async().subscribe(keys.keyRevocationChannel()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (Exception failed) {
            if (failed instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Startup needs Redis once; later outages are survived (Lettuce resubscribes after reconnecting).
            throw new IllegalStateException("could not subscribe to " + keys.channelPattern(), failed);
        }
    }

    /** Called on Lettuce's event loop for every event: must be quick and must not block. */
    public void addListener(Consumer<Event> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Called with the id of every API key another instance revoked or rotated; on Lettuce's event loop: be quick. */
    public void addKeyRevocationListener(Consumer<String> listener) {
        revocationListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Called after the subscription was restored following a disconnect, when events may have been missed: near
     * caches drop everything, waiters try again. Runs on Lettuce's event loop: quick, never blocking.
     */
    public void addResubscribeListener(Runnable listener) {
        resubscribeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * A future completed with the type of the next event on {@code key}, after the listeners heard it (so a near
     * cache has evicted what the event replaced). Register before checking the state the event would change, so an
     * event between the check and the wait is not lost; {@link #forget} it afterwards. After a resubscription it
     * completes with {@code RELEASED}: whatever was missed, the waiter should look at the lease again.
     */
    CompletableFuture<Type> nextEvent(ConnectionKey key) {
        CompletableFuture<Type> next = new CompletableFuture<>();
        waiters.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(next);
        return next;
    }

    void forget(ConnectionKey key, CompletableFuture<Type> waiter) {
        waiters.computeIfPresent(key, (k, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    static String stored(Fingerprint fingerprint) {
        return "stored:" + fingerprint.hex();
    }

    static String invalidated(Optional<Fingerprint> fingerprint) {
        return "invalidated:" + fingerprint.map(Fingerprint::hex).orElse("*");
    }

    static String released() {
        return "released:*";
    }

    private void dispatch(String channel, String message) {
        Optional<ConnectionKey> key = keys.connectionOf(channel);
        Optional<Event> event = key.flatMap(k -> parse(k, message));
        if (event.isEmpty()) {
            LOG.log(Level.DEBUG, "ignored a message on {0}", channel);
            return;
        }
        for (Consumer<Event> listener : listeners) {
            try {
                listener.accept(event.get());
            } catch (RuntimeException bug) {
                LOG.log(Level.ERROR, "a Redis event listener failed", bug);
            }
        }
        Set<CompletableFuture<Type>> waiting = waiters.get(key.get());
        if (waiting != null) {
            waiting.forEach(waiter -> waiter.complete(event.get().type()));
        }
    }

    private void resubscribed() {
        for (Runnable listener : resubscribeListeners) {
            try {
                listener.run();
            } catch (RuntimeException bug) {
                LOG.log(Level.ERROR, "a Redis resubscribe listener failed", bug);
            }
        }
        // A release message may have been lost: every waiter tries its lease again now.
        waiters.values().forEach(waiting -> waiting.forEach(waiter -> waiter.complete(Type.RELEASED)));
    }

    private static Optional<Event> parse(ConnectionKey key, String message) {
        int colon = message.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Type type;
        switch (message.substring(0, colon)) {
            case "stored" -> type = Type.STORED;
            case "invalidated" -> type = Type.INVALIDATED;
            case "released" -> type = Type.RELEASED;
            default -> {
                return Optional.empty();
            }
        }
        String hex = message.substring(colon + 1);
        try {
            Optional<Fingerprint> fingerprint = hex.equals("*") ? Optional.empty() : Optional.of(new Fingerprint(hex));
            return Optional.of(new Event(key, type, fingerprint));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
