package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When each connection's token should next be looked at by the refresh-ahead scheduler, shared by every instance
 * that uses the same store, plus when anybody last asked for each connection (demand).
 *
 * <p>One entry per connection, either queued (waiting for its due time) or claimed (handed to one claimer until a
 * deadline). Claiming is atomic: two claimers, in this process or another, never hold the same connection at once.
 * A claimer completes its claim with {@link #schedule} (the next entry) or {@link #remove}; a claim not completed by
 * its deadline (the claimer died or stalled) becomes claimable again at its original due time, so no work is lost.
 *
 * <p>Instants are kept to the millisecond: {@code due} rounded up (never early), the token's instants down. A store
 * that cannot be reached does nothing, claims nothing and counts 0; it never throws for that: requests must not fail
 * because of the schedule. Safe for concurrent use.
 */
public interface RefreshSchedule {

    /** The expiry events already published for an entry's token, so each goes out at most once per token. */
    enum Warned { NOTHING, NEAR_EXPIRY, EXPIRED }

    /**
     * @param due            when the scheduler should look at the connection
     * @param failures       proactive refreshes of this token that failed in a row, for backoff
     * @param tokenIssuedAt  when the token this entry is about was issued: tells a newer token's entry from an older
     * @param tokenExpiresAt when that token expires
     * @param warned         expiry events already published for that token
     */
    record Entry(ConnectionKey key, Instant due, int failures, Instant tokenIssuedAt, Instant tokenExpiresAt,
                 Warned warned) {

        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(due, "due");
            Objects.requireNonNull(tokenIssuedAt, "tokenIssuedAt");
            Objects.requireNonNull(tokenExpiresAt, "tokenExpiresAt");
            Objects.requireNonNull(warned, "warned");
            if (failures < 0) {
                throw new IllegalArgumentException("failures must not be negative");
            }
            // Rounded up: an entry claimed a fraction of a millisecond before its token is due would find nothing
            // to do and be put back at the same instant, over and over, on a clock that stands still.
            Instant whole = due.truncatedTo(ChronoUnit.MILLIS);
            due = whole.equals(due) ? due : whole.plusMillis(1);
            tokenIssuedAt = tokenIssuedAt.truncatedTo(ChronoUnit.MILLIS);
            tokenExpiresAt = tokenExpiresAt.truncatedTo(ChronoUnit.MILLIS);
        }

        /** A fresh entry for {@code token}, due at {@code due}. */
        public static Entry forToken(ConnectionKey key, AccessToken token, Instant due) {
            return new Entry(key, due, 0, token.issuedAt(), token.expiresAt(), Warned.NOTHING);
        }

        /** The same token's entry, looked at again at {@code due}. */
        public Entry at(Instant due) {
            return new Entry(key, due, failures, tokenIssuedAt, tokenExpiresAt, warned);
        }

        /** The same token's entry after one more failed refresh. */
        public Entry retry(Instant due, Warned warned) {
            return new Entry(key, due, failures + 1, tokenIssuedAt, tokenExpiresAt, warned);
        }
    }

    /**
     * A claimed entry and the newest demand for its connection recorded by anybody.
     *
     * @param lastAsked empty when no demand was recorded (or it was removed with the connection)
     */
    record Claim(Entry entry, Optional<Instant> lastAsked) {
        public Claim {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(lastAsked, "lastAsked");
        }
    }

    /**
     * Puts the connection's entry, replacing a queued one and completing a claim on it: what a claimer does when it
     * is done with the connection for now.
     */
    void schedule(Entry entry);

    /**
     * Makes sure the connection is looked at no later than {@code entry.due()} for its token, without undoing other
     * work: nothing happens while the connection is claimed, or when the queued entry is about a newer token, or
     * about the same token and due no later or backing off (failures). Otherwise the entry is put: for a newer token
     * it replaces whatever was queued (and its backoff) for an older one. What a request that was served a token
     * (or a forced refresh) does.
     *
     * @return true if the entry was put
     */
    boolean offer(Entry entry);

    /**
     * Claims the entries due at {@code now} (due not after it), soonest first, at most {@code max} (at least 1),
     * until {@code claimedUntil} (after {@code now}). Claims of others whose deadline is not after {@code now} are
     * queued again at their due time first, so they are taken with the rest. A claimer that looks ahead passes the
     * instant it looks ahead to as {@code now} and a deadline that much later, so its claims last as long as others'.
     */
    List<Claim> claimDue(Instant now, int max, Instant claimedUntil);

    /**
     * Notes that the connection was asked for at {@code at}; keeps the latest instant. Callers keep it coarse (about
     * once a minute per connection and instance) so cache hits stay nearly write-free.
     */
    void recordDemand(ConnectionKey key, Instant at);

    /**
     * {@link #recordDemand}({@code entry.key()}, {@code askedAt}) and then {@link #offer}({@code entry}), with the
     * same effects and result, in one round trip where the store allows: what a request that records demand does.
     */
    default boolean offerAsked(Entry entry, Instant askedAt) {
        recordDemand(entry.key(), askedAt);
        return offer(entry);
    }

    /** Drops the connection's entry, its claim and its demand; a no-op when there is none. */
    void remove(ConnectionKey key);

    /** How many entries exist, queued or claimed; 0 when the store cannot be read. */
    int size();
}
