package io.tokenbroker.bootstrap.shutdown;

import ch.qos.logback.classic.LoggerContext;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * Stops logging once the broker has stopped, not before. The JVM runs its shutdown hooks at the same time, so
 * logback's own hook stopped the asynchronous appender while the context was still draining, and the shutdown
 * sequence's one line (what was released, what could not be written) never reached the log. This hook replaces
 * logback's: it waits for the context to stop (bounded, so a hung bean cannot keep the process alive) and then
 * stops logback, which writes out what the asynchronous appender still queues.
 */
public final class LoggingShutdown {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private LoggingShutdown() {
    }

    public static void after(ApplicationContext context, Duration bound) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long deadline = System.nanoTime() + bound.toNanos();
            while (context.isRunning() && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(POLL_NANOS);
            }
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
                logback.stop();
            }
        }, "tokenbroker-logging-shutdown"));
    }
}
