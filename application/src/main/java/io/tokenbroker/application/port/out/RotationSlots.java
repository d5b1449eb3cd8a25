package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a rotated refresh token waits, durably, while the vault cannot store it: outside the instance that obtained
 * it (Redis) or at least outside its memory (a local file), so it survives that instance's death and the newest refresh
 * token is never lost. One slot per connection; the highest fence wins, so a holder of a superseded lease cannot
 * replace a newer token. The token arrives sealed (bound to its connection and fence) and is kept as it is.
 * Thread-safe.
 */
public interface RotationSlots {

    /**
     * A rotated refresh token, sealed, its expiry as the provider said, and the fence of the lease that got it.
     * {@link #text()} is the form for places that hold strings: {@code fence|expiry epoch ms or empty|sealed text}.
     */
    record Slot(Sealed refreshToken, Optional<Instant> expiresAt, long fence) {
        public Slot {
            Objects.requireNonNull(refreshToken, "refreshToken");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /**
         * Reads the {@link #text()} form.
         *
         * @throws UndecryptableSecretException when the text is not in that form (it never quotes the text)
         */
        public static Slot parse(String text) {
            String[] parts = text == null ? new String[0] : text.split("\\|", 3);
            try {
                Optional<Instant> expiresAt = parts[1].isEmpty() ? Optional.empty()
                        : Optional.of(Instant.ofEpochMilli(Long.parseLong(parts[1])));
                return new Slot(Sealed.parse(parts[2]), expiresAt, Long.parseLong(parts[0]));
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException malformed) {
                throw new UndecryptableSecretException("a pending rotation is not fence|expiry|sealed");
            }
        }

        public String text() {
            return fence + "|" + expiresAt.map(at -> Long.toString(at.toEpochMilli())).orElse("") + "|"
                    + refreshToken.text();
        }
    }

    /**
     * Keeps {@code slot} for {@code key} unless a slot with an equal or higher fence is held; durable when it
     * returns (written to Redis, or fsynced).
     *
     * @throws StoreUnavailableException when it could not be kept
     */
    void hold(ConnectionKey key, Slot slot);

    /**
     * The slot held for {@code key}, if any.
     *
     * @throws StoreUnavailableException when the place cannot be read now
     */
    Optional<Slot> find(ConnectionKey key);

    /**
     * Every connection with a slot held, for writing them back.
     *
     * @throws StoreUnavailableException when the place cannot be read now
     */
    List<ConnectionKey> held();

    /**
     * Drops the slot of {@code key} if its fence is at most {@code fence} (the slot was written back, or a newer
     * token was stored): a slot a later rotation put there meanwhile stays.
     *
     * @throws StoreUnavailableException when the place cannot be written now
     */
    void release(ConnectionKey key, long fence);

    /**
     * Publishes the connection's newest stored refresh token (sealed, with the fence of the lease that got it) for
     * instances that read the vault from memory during a database outage: a row one of them remembered before
     * another instance rotated the token holds a superseded refresh token, and presenting it is a reuse a
     * reuse-detecting provider answers by revoking the whole grant. The highest fence wins, as in {@link #hold};
     * nothing is indexed or written back. Best effort and without waiting for the place: a failure is logged, not
     * thrown. A place only this instance reads has no one to publish to: the default does nothing.
     *
     * @return completes (never exceptionally) once the place took the slot or the attempt failed
     */
    default CompletionStage<Void> publish(ConnectionKey key, Slot slot) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The slot last {@link #publish published} for {@code key}, if any.
     *
     * @throws StoreUnavailableException when the place cannot be read now
     */
    default Optional<Slot> published(ConnectionKey key) {
        return Optional.empty();
    }

    /**
     * Withdraws what was published for {@code key} (the connection was saved anew or removed); best effort.
     *
     * @return completes (never exceptionally) once the place dropped it or the attempt failed
     */
    default CompletionStage<Void> unpublish(ConnectionKey key) {
        return CompletableFuture.completedFuture(null);
    }

    /** No durable place: every {@link #hold} fails, nothing is ever found. */
    RotationSlots NONE = new RotationSlots() {
        @Override
        public void hold(ConnectionKey key, Slot slot) {
            throw new StoreUnavailableException("no durable place for pending rotations is configured", null);
        }

        @Override
        public Optional<Slot> find(ConnectionKey key) {
            return Optional.empty();
        }

        @Override
        public List<ConnectionKey> held() {
            return List.of();
        }

        @Override
        public void release(ConnectionKey key, long fence) {
            // Nothing is held.
        }
    };
}
