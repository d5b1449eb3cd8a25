package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.RotationSlots.Slot;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The durable side of {@link PendingRotations}: each rotated refresh token the vault could not store is sealed bound
 * to its connection and fence (a slot copied to another connection, or replayed under another fence, does not open)
 * and held in the first of the {@link RotationSlots} places that takes it (Redis, then a local file). When none does,
 * the token lives only in this process: that is logged at error level as {@code rotation_at_risk} and counted, and
 * the access token is still served (refusing it would not bring the refresh token back).
 *
 * <p>Every rotation the vault takes is also published in those places (sealed under another binding), so that an
 * instance serving from memory during a later outage presents the newest refresh token, not the one it last read.
 */
final class DurableRotations {

    private static final System.Logger LOG = System.getLogger(DurableRotations.class.getName());
    private static final String PENDING = "tb-pending-v1";
    /** Another binding: a published slot copied into a pending one (or back) does not open. */
    private static final String PUBLISHED = "tb-published-v1";

    /** A held rotation, opened. */
    record Held(Secret refreshToken, Optional<Instant> expiresAt, long fence) {
    }

    private final List<RotationSlots> places;
    private final Seals cipher;
    private final AtomicLong atRisk = new AtomicLong();

    DurableRotations(List<RotationSlots> places, Seals cipher) {
        this.places = List.copyOf(places);
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /** Holds the rotation in the first place that takes it; false (and {@code rotation_at_risk}) when none did. */
    boolean hold(ConnectionKey key, Secret refreshToken, Optional<Instant> expiresAt, long fence) {
        Slot slot = sealed(PENDING, key, refreshToken, expiresAt, fence);
        for (RotationSlots place : places) {
            try {
                place.hold(key, slot);
                return true;
            } catch (StoreUnavailableException unavailable) {
                LOG.log(Level.WARNING, "could not hold the rotated refresh token of {0} (fence {1}) in {2}: {3}",
                        key, fence, place.getClass().getSimpleName(), unavailable.getMessage());
            }
        }
        atRisk.incrementAndGet();
        LOG.log(Level.ERROR, "rotation_at_risk: the rotated refresh token of {0} (fence {1}) is kept only in this "
                + "process's memory until the database returns; if this instance dies first it is lost and the "
                + "connection needs re-authorisation", key, fence);
        return false;
    }

    /** The held rotation of {@code key} with the highest fence, from any place that can be read now. */
    Optional<Held> newest(ConnectionKey key) {
        return highest(PENDING, key, place -> place.find(key));
    }

    /** Every connection with a rotation held in a place that can be read now. */
    Set<ConnectionKey> held() {
        Set<ConnectionKey> held = new LinkedHashSet<>();
        places.forEach(place -> held.addAll(quietly(place::held, List.of())));
        return held;
    }

    /** Drops the held rotations of {@code key} up to {@code fence}, wherever they are; best effort. */
    void release(ConnectionKey key, long fence) {
        for (RotationSlots place : places) {
            quietly(() -> {
                place.release(key, fence);
                return null;
            }, null);
        }
    }

    /** Publishes a rotation the vault stored, for instances reading from memory during an outage; best effort. */
    CompletableFuture<Void> publish(ConnectionKey key, Secret refreshToken, Optional<Instant> expiresAt, long fence) {
        if (places.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Slot slot = sealed(PUBLISHED, key, refreshToken, expiresAt, fence);
        return CompletableFuture.allOf(places.stream().map(place -> place.publish(key, slot).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /** The published rotation of {@code key} with the highest fence, from any place that can be read now. */
    Optional<Held> published(ConnectionKey key) {
        return highest(PUBLISHED, key, place -> place.published(key));
    }

    /** Withdraws what was published for {@code key}, wherever it is; best effort. */
    CompletableFuture<Void> unpublish(ConnectionKey key) {
        return CompletableFuture.allOf(places.stream().map(place -> place.unpublish(key).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /** Rotations kept only in memory since start because no durable place took them. */
    long atRisk() {
        return atRisk.get();
    }

    private Optional<Held> highest(String version, ConnectionKey key, Function<RotationSlots, Optional<Slot>> read) {
        Optional<Held> newest = Optional.empty();
        for (RotationSlots place : places) {
            Optional<Held> found = quietly(() -> read.apply(place), Optional.<Slot>empty())
                    .flatMap(slot -> opened(version, key, slot));
            if (found.isPresent() && (newest.isEmpty() || found.get().fence() > newest.get().fence())) {
                newest = found;
            }
        }
        return newest;
    }

    private Slot sealed(String version, ConnectionKey key, Secret refreshToken, Optional<Instant> expiresAt,
                        long fence) {
        return new Slot(cipher.seal(Seals.Purpose.REFRESH_TOKEN, binding(version, key, fence),
                refreshToken.reveal()), expiresAt, fence);
    }

    private Optional<Held> opened(String version, ConnectionKey key, Slot slot) {
        try {
            Secret token = Secret.of(cipher.open(Seals.Purpose.REFRESH_TOKEN, binding(version, key, slot.fence()),
                    slot.refreshToken()));
            return Optional.of(new Held(token, slot.expiresAt(), slot.fence()));
        } catch (UndecryptableSecretException refused) {
            LOG.log(Level.WARNING, "a held or published rotation of {0} does not open (copied, tampered or an "
                    + "unknown key); ignored", key);
            return Optional.empty();
        }
    }

    private static <T> T quietly(Supplier<T> call, T otherwise) {
        try {
            return call.get();
        } catch (StoreUnavailableException | UndecryptableSecretException unusable) {
            // A place down now, or a slot that is not one (malformed): as if nothing were held there.
            return otherwise;
        }
    }

    /** Length-prefixed, as {@link AssociatedData}: no choice of ids makes two bindings the same bytes. */
    private static byte[] binding(String version, ConnectionKey key, long fence) {
        StringBuilder joined = new StringBuilder();
        for (String part : new String[] {version, key.tenant().value(), key.connection().value(),
                Long.toString(fence)}) {
            joined.append(part.length()).append(':').append(part);
        }
        return joined.toString().getBytes(StandardCharsets.UTF_8);
    }
}
