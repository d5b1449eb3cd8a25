package io.tokenbroker.adapters.http.upstream;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** Reads an HTTP {@code Retry-After} (RFC 9110 10.2.3): delay seconds or an HTTP date. */
final class RetryAfter {

    /** Longer waits are taken as a broken header rather than an instruction to go quiet for days. */
    private static final Duration MAX = Duration.ofHours(1);

    private final Clock clock;

    RetryAfter(Clock clock) {
        this.clock = clock;
    }

    Optional<Duration> parse(String header) {
        String value = header.strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Duration wait;
        if (value.chars().allMatch(Character::isDigit)) {
            if (value.length() > 7) {
                return Optional.of(MAX);
            }
            wait = Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                wait = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeException notADate) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(wait.compareTo(MAX) > 0 ? MAX : wait);
    }
}
