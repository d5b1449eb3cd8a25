package io.tokenbroker.bootstrap.shutdown;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.bootstrap.LocalPorts;
import io.tokenbroker.bootstrap.TestKeyRing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The broker's last log line is written when it is stopped by a signal, as an orchestrator stops it: only a real
 * process shows this, since the shutdown hooks (logback's, which this project replaces, and Micronaut's) run only
 * when the JVM exits.
 */
class LoggingShutdownTest {

    private static final String STARTED = "Startup completed";
    private static final String STOPPED = "stopped: released";

    @Test
    void theShutdownLineReachesTheLogAfterSigterm() throws Exception {
        Process broker = launch();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> collect(broker, lines, started), "broker-output");
        reader.start();
        try {
            assertTrue(started.await(2, TimeUnit.MINUTES), () -> "the broker did not start: " + lines);
            // SIGTERM; Process.destroy() would also close the output this test reads
            broker.toHandle().destroy();
            assertTrue(broker.waitFor(2, TimeUnit.MINUTES), "the broker did not stop on SIGTERM");
            reader.join(TimeUnit.MINUTES.toMillis(1));
        } finally {
            broker.destroyForcibly();
        }
        assertTrue(lines.stream().anyMatch(line -> line.contains(STOPPED)), () -> "no shutdown line in " + lines);
        assertTrue(lines.get(lines.size() - 1).contains(STOPPED),
                () -> "logged after the shutdown line: " + lines.get(lines.size() - 1));
    }

    private static Process launch() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire may start tests through a manifest-only jar; the real class path is then in its own property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath,
                // The production logging (asynchronous appender), not the tests' synchronous one.
                "-Dlogback.configurationFile=logback.xml",
                "io.tokenbroker.bootstrap.Application").redirectErrorStream(true);
        builder.environment().putAll(Map.of("TOKENBROKER_PORT", Integer.toString(LocalPorts.free()),
                "MICRONAUT_SERVER_HOST", "127.0.0.1", "TOKENBROKER_SHUTDOWN_DRAIN", "0s",
                "TOKENBROKER_ENCRYPTION_KEYS", TestKeyRing.random("k1")));
        return builder.start();
    }

    private static void collect(Process broker, List<String> lines, CountDownLatch started) {
        try (BufferedReader output = new BufferedReader(new InputStreamReader(broker.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                lines.add(line);
                if (line.contains(STARTED)) {
                    started.countDown();
                }
            }
        } catch (IOException closed) {
            throw new UncheckedIOException(closed);
        }
    }
}
