package io.tokenbroker.adapters.postgres;

import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns what the repositories throw when PostgreSQL fails into {@link StorageUnavailableException}. micronaut-data
 * wraps the driver's {@link SQLException} (statement errors, and the pool's failure to connect); anything without
 * one in its causes is not a storage failure (an undecryptable secret, a bug) and passes through unchanged.
 */
final class Storage {

    private Storage() {
    }

    /** Runs {@code statement}; a database failure becomes a {@link StorageUnavailableException} naming {@code doing}. */
    static <T> T call(String doing, Supplier<T> statement) {
        try {
            return statement.get();
        } catch (RuntimeException failure) {
            throw unavailable(doing, failure);
        }
    }

    /** As {@link #call}, for statements whose result does not matter. */
    static void run(String doing, Runnable statement) {
        call(doing, () -> {
            statement.run();
            return null;
        });
    }

    /** The failure as a storage outage if a database failure caused it; otherwise the failure itself. */
    static RuntimeException unavailable(String doing, RuntimeException failure) {
        if (failure instanceof StorageUnavailableException || sqlCause(failure).isEmpty()) {
            return failure;
        }
        // SQLState and the driver's message name the server and the statement, never bound values.
        return new StorageUnavailableException(doing + " failed (SQLState " + sqlState(failure) + ")", failure);
    }

    /** Data exceptions (22) and integrity violations (23) fail the same way on every retry. */
    static boolean isPermanent(Throwable failure) {
        String state = sqlState(failure);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The SQLState of the first driver exception among the causes (or, for a batch, of its first failed row). */
    static String sqlState(Throwable failure) {
        Optional<SQLException> cause = sqlCause(failure);
        if (cause.isEmpty()) {
            return null;
        }
        SQLException sql = cause.get();
        if (sql.getSQLState() == null && sql.getNextException() != null) {
            return sql.getNextException().getSQLState();
        }
        return sql.getSQLState();
    }

    private static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }
}
