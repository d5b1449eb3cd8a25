package io.tokenbroker.domain.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a connection's refresh history, newest first.
 *
 * @param next where the following (older) page starts; empty on the last page
 */
public record RefreshPage(List<RefreshAttempt> attempts, Optional<Cursor> next) {

    public RefreshPage {
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(next, "next");
    }

    public static RefreshPage empty() {
        return new RefreshPage(List.of(), Optional.empty());
    }

    /**
     * Points just past the last attempt of a page: stable while new attempts arrive, because pages are cut by
     * position (start time, then the store's own sequence), not by offset.
     */
    public record Cursor(Instant startedAt, long sequence) {

        public Cursor {
            Objects.requireNonNull(startedAt, "startedAt");
        }
    }
}
