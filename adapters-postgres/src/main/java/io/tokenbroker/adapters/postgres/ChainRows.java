package io.tokenbroker.adapters.postgres;

import io.tokenbroker.domain.audit.ChainEntry;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.DroppedAttempts;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Maps links and attempts to {@code refresh_log} rows and back: the adapter's one edge for them. */
final class ChainRows {

    /** Bounds what a message may add to a row; messages are sanitised by their writers already. */
    static final int MAX_MESSAGE_CHARS = 500;

    private ChainRows() {
    }

    /** The entry as it will be stored, and so hashed: a long message cut to its bound. */
    static ChainEntry bounded(ChainEntry entry) {
        if (entry instanceof RefreshAttempt attempt && attempt.message().filter(m -> m.length() > MAX_MESSAGE_CHARS)
                .isPresent()) {
            return new RefreshAttempt(attempt.connection(), attempt.trigger(), attempt.outcome(), attempt.startedAt(),
                    attempt.completedAt(), attempt.attempt(), attempt.upstreamStatus(), attempt.errorCode(),
                    attempt.message().map(message -> message.substring(0, MAX_MESSAGE_CHARS)), attempt.fence());
        }
        return entry;
    }

    static RefreshLogRow row(ChainLink link) {
        ChainEntry entry = link.entry();
        String tenant = entry.connection().tenant().value();
        String connection = entry.connection().connection().value();
        long durationMs = Duration.between(entry.startedAt(), entry.completedAt()).toMillis();
        if (entry instanceof RefreshAttempt attempt) {
            return new RefreshLogRow(null, tenant, connection, word(attempt.trigger()), word(attempt.outcome()),
                    attempt.startedAt(), attempt.completedAt(), durationMs, attempt.attempt(),
                    attempt.upstreamStatus().isPresent() ? attempt.upstreamStatus().getAsInt() : null,
                    attempt.errorCode().orElse(null), attempt.message().orElse(null), link.instance(),
                    attempt.fence(), link.seq(), link.prevHash(), link.hash(), ChainLink.kind(entry), null);
        }
        DroppedAttempts gap = (DroppedAttempts) entry;
        return new RefreshLogRow(null, tenant, connection, null, null, gap.startedAt(), gap.completedAt(), durationMs,
                null, null, null, null, link.instance(), 0, link.seq(), link.prevHash(), link.hash(),
                ChainLink.kind(entry), gap.count());
    }

    /** An attempt row (gap rows never reach history). */
    static RefreshAttempt attempt(ConnectionKey key, RefreshLogRow row) {
        OptionalInt upstreamStatus = row.upstreamStatus() == null ? OptionalInt.empty()
                : OptionalInt.of(row.upstreamStatus());
        return new RefreshAttempt(key,
                Trigger.valueOf(row.trigger().toUpperCase(Locale.ROOT)),
                Outcome.valueOf(row.outcome().toUpperCase(Locale.ROOT)),
                row.startedAt(), row.completedAt(), row.attempt(), upstreamStatus,
                Optional.ofNullable(row.errorCode()), Optional.ofNullable(row.message()), row.fence());
    }

    /**
     * A chained row as a link, as stored. A row someone made unreadable (a kind, trigger or time no writer produces)
     * still becomes a link, one whose hash names the problem, so the verifier reports it at its place instead of
     * failing to read the chain.
     */
    static ChainLink link(ConnectionKey key, RefreshLogRow row) {
        try {
            ChainEntry entry = "gap".equals(row.kind())
                    ? new DroppedAttempts(key, row.dropped(), row.startedAt(), row.completedAt())
                    : attempt(key, row);
            return new ChainLink(row.seq(), entry, row.instanceId(), row.prevHash(), row.hash());
        } catch (RuntimeException unreadable) {
            return new ChainLink(row.seq(), new DroppedAttempts(key, 1, row.startedAt(), row.startedAt()),
                    row.instanceId(), row.prevHash(), "unreadable row (" + unreadable.getClass().getSimpleName() + ")");
        }
    }

    static ChainHead head(ConnectionKey key, ChainHeadRow row) {
        return new ChainHead(key, row.fromSeq(), row.fromPrevHash(), row.seq(), row.hash());
    }

    private static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
