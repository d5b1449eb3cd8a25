package io.tokenbroker.bootstrap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The benchmark harness in the test command, so that it cannot rot (issue 8): {@code bench/run.sh --smoke}, which
 * also runs {@code bench/faults.sh --smoke}, against the fat jar this build just packaged (failsafe runs it after
 * {@code package}). Without the harness's system tools it still runs for real: Load.java instead of wrk, the
 * redis-server inside the embedded-redis test jar, PostgreSQL from zonky's binaries jar; nginx, redis-benchmark and
 * hyperfine steps are marked skipped. {@code -Dbench.smoke.path=minimal} runs it with a PATH of only what
 * {@code bench/minimal-path.sh} links (bash, coreutils, grep, sed, the JDK, Maven), as on a fresh CI machine.
 */
class BenchSmokeIT {

    /** The harness stops everything it starts on its own; past this the test stops it. */
    private static final Duration BOUND = Duration.ofMinutes(6);

    /** Every step of the two scripts in smoke mode, by the id of its row. */
    private static final Set<String> RUN_STEPS = Set.of("ceiling.nginx", "ceiling.micronaut-event-loop",
            "ceiling.micronaut-blocking", "redis-ceiling.1", "redis-ceiling.50", "cached.in-memory.auth-off",
            "cached.in-memory.auth-on", "cached.in-memory.3-instances", "cached.redis.near-cache",
            "cached.redis.redis-hit", "alternative", "miss.upstream", "miss.broker", "miss.broker-warm",
            "stampede.cold-100.1-instance",
            "stampede.cold-100.3-in-memory", "stampede.cold-100.3-redis", "stampede.expiry.1-instance",
            "stampede.expiry.3-in-memory", "stampede.expiry.3-redis", "scale.100", "startup",
            "cached.production.auth-on", "cached.production.auth-off", "steady.one-caller", "cold-key.burst",
            "refresh-ahead.paced", "refresh-log.writer.one-connection", "refresh-log.writer.many-connections",
            "refresh-log.writer.paced");
    private static final Set<String> FAULT_STEPS = Set.of("fault.upstream-503", "fault.upstream-429",
            "fault.kill-in-memory", "fault.kill-shared-store", "fault.redis-stall", "fault.redis-stop",
            "fault.postgres-stop", "fault.lease-holder-killed", "fault.redis-down-rotating",
            "fault.sigterm-one-of-two", "fault.postgres-down-2", "fault.postgres-needs-db", "fault.postgres-down-kill",
            "fault.upstream-503-recovery", "fault.upstream-outage-valid-tokens");
    private static final Set<String> NOT_FIGURES = Set.of("id", "step", "variant", "status", "note");
    private static final Pattern SKIPPED = Pattern.compile("skipped: [\\w.-]+ not installed");

    private final JsonMapper json = JsonMapper.createDefault();

    @Test
    void smokeRunCoversEveryStepAndLeavesNoProcessBehind() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "the harness reads /proc: Linux only");
        Path root = Path.of(System.getProperty("bench.root", "..")).toAbsolutePath().normalize();
        Path out = Path.of(System.getProperty("bench.out", "target/bench-smoke")).toAbsolutePath();
        Path results = out.resolve("results");
        Path pidLog = out.resolve("pids");
        Path output = out.resolve("output.log");
        deleteRecursively(results);
        Files.createDirectories(results);
        Files.deleteIfExists(pidLog);
        String tag = UUID.randomUUID().toString();

        ProcessBuilder harness = new ProcessBuilder("bash", root.resolve("bench/run.sh").toString(), "--smoke")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = harness.environment();
        env.put("BENCH_JAR", Path.of(System.getProperty("bench.jar", "target/tokenbroker.jar")).toAbsolutePath()
                .toString());
        env.put("BENCH_OUT", results.toString());
        env.put("BENCH_PID_LOG", pidLog.toString());
        env.put("BENCH_REDIS_JAR", Path.of(RedisServer.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).toString());
        postgresBinaries(out.resolve("postgres")).ifPresent(bin -> env.put("BENCH_PG_BIN", bin.toString()));
        // Inherited by everything the harness starts: what still carries it afterwards was left behind.
        env.put("BENCH_RUN_TAG", tag);
        if ("minimal".equals(System.getProperty("bench.smoke.path"))) {
            env.put("PATH", minimalPath(root, out.resolve("minimal-path")));
        }

        Process process = harness.start();
        List<String> leftOvers;
        try {
            if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                stop(process);
                fail("bench/run.sh --smoke still running after " + BOUND + ":\n" + tail(output));
            }
        } finally {
            leftOvers = stopLeftOvers(tag);
        }
        assertEquals(0, process.exitValue(), () -> "bench/run.sh --smoke failed:\n" + failures(output) + tail(output));

        JsonNode run = document(results, false);
        JsonNode faults = document(results, true);
        assertEveryStep(run, RUN_STEPS);
        assertEveryStep(faults, FAULT_STEPS);
        // Figures the broker guarantees whatever the machine's load, checked while we are here: one upstream call
        // for a stampede on one instance, and no rotating refresh token lost while PostgreSQL is down. (Not the
        // 3-instance figures: a Redis call slower than 250 ms on a loaded machine fails open, see
        // docs/benchmarks.md.)
        assertFigure(run, "stampede.cold-100.1-instance", "upstream_calls", 1);
        assertFigure(faults, "fault.postgres-stop", "refresh_tokens_lost", 0);

        List<String> recorded = Files.readAllLines(pidLog);
        assertTrue(recorded.size() > 20, () -> "the harness recorded only " + recorded.size() + " processes");
        List<String> alive = recorded.stream().filter(BenchSmokeIT::stillRunning).toList();
        assertEquals(List.of(), alive, "processes the harness recorded (pid:start) are still running");
        assertEquals(List.of(), leftOvers, "processes started by the harness were still running (now killed)");
    }

    private JsonNode document(Path results, boolean faults) throws IOException {
        List<Path> documents;
        try (Stream<Path> files = Files.list(results)) {
            documents = files.filter(file -> file.toString().endsWith(".json")
                    && file.getFileName().toString().contains("-faults") == faults).toList();
        }
        assertEquals(1, documents.size(), () -> "one " + (faults ? "faults" : "run") + " results document: "
                + documents);
        Path markdown = Path.of(documents.get(0).toString().replaceAll("\\.json$", ".md"));
        assertTrue(Files.readString(markdown).contains("| step |") || Files.readString(markdown).contains("| fault |"),
                () -> markdown + " has no table");
        JsonNode document = json.readValue(Files.readAllBytes(documents.get(0)), JsonNode.class);
        assertTrue(document.get("smoke").getBooleanValue(), "written by a smoke run");
        return document;
    }

    /** Every step left a row: measured with at least one figure, or skipped because its tool is not installed. */
    private static void assertEveryStep(JsonNode document, Set<String> steps) {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        for (JsonNode row : document.get("rows").values()) {
            rows.put(row.get("id").getStringValue(), row);
        }
        assertEquals(new TreeSet<>(steps), new TreeSet<>(rows.keySet()), "the steps of the run");
        rows.forEach((id, row) -> {
            String status = row.get("status").getStringValue();
            String note = row.get("note").getStringValue();
            if (status.equals("skipped")) {
                assertTrue(SKIPPED.matcher(note).matches(), () -> id + ": skipped without naming the tool: " + note);
                return;
            }
            assertEquals("measured", status, () -> id + ": " + note);
            boolean figures = false;
            for (Map.Entry<String, JsonNode> field : row.entries()) {
                figures |= !NOT_FIGURES.contains(field.getKey()) && field.getValue().isNumber();
            }
            assertTrue(figures, () -> id + ": measured, but no figure");
        });
    }

    private static void assertFigure(JsonNode document, String id, String field, int expected) {
        for (JsonNode row : document.get("rows").values()) {
            if (row.get("id").getStringValue().equals(id) && row.get("status").getStringValue().equals("measured")) {
                assertEquals(expected, row.get(field).getIntValue(), id + " " + field);
            }
        }
    }

    /** A "pid:start-time" record whose process still runs (same PID and the same kernel start time). */
    private static boolean stillRunning(String record) {
        String[] parts = record.split(":");
        return parts.length == 2 && !parts[1].isEmpty() && parts[1].equals(startTime(parts[0]));
    }

    private static String startTime(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
        } catch (IOException gone) {
            return "";
        }
    }

    /** Kills whatever still carries the run's tag in its environment; returns what it found. */
    private static List<String> stopLeftOvers(String tag) {
        byte[] marker = ("BENCH_RUN_TAG=" + tag).getBytes(StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(handle -> environmentContains(handle.pid(), marker)).forEach(handle -> {
            found.add(handle.pid() + " " + handle.info().commandLine().orElse("?"));
            handle.destroyForcibly();
        });
        return found;
    }

    private static boolean environmentContains(long pid, byte[] marker) {
        try {
            byte[] environment = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (int i = 0; i + marker.length <= environment.length; i++) {
                if ((i == 0 || environment[i - 1] == 0) && Arrays.equals(environment, i, i + marker.length,
                        marker, 0, marker.length)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | SecurityException unreadable) {
            return false;
        }
    }

    /** TERM first: the harness's trap stops what it started; then everything below it, forcibly. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String minimalPath(Path root, Path directory) throws IOException, InterruptedException {
        Process link = new ProcessBuilder("bash", root.resolve("bench/minimal-path.sh").toString(),
                directory.toString()).redirectErrorStream(true).start();
        String printed = new String(link.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(link.waitFor(60, TimeUnit.SECONDS) && link.exitValue() == 0, "bench/minimal-path.sh: " + printed);
        return directory.toString();
    }

    /**
     * zonky's PostgreSQL binaries, unpacked once into {@code directory} (kept between builds until a clean): the
     * harness needs a postgres and an initdb it can run as its own processes, and CI has no PostgreSQL installed.
     */
    private static Optional<Path> postgresBinaries(Path directory) throws IOException {
        Path bin = directory.resolve("bin");
        if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres"))) {
            return Optional.of(bin);
        }
        InputStream archive = BenchSmokeIT.class.getResourceAsStream("/postgres-linux-x86_64.txz");
        if (archive == null || !System.getProperty("os.arch").equals("amd64")) {
            return Optional.empty();
        }
        Path unpacking = Files.createTempDirectory(directory.getParent(), "postgres-unpacking");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
                new BufferedInputStream(archive)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = unpacking.resolve(entry.getName()).normalize();
                if (!target.startsWith(unpacking)) {
                    throw new IOException("entry outside the archive's directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.copy(unpacking.resolve(entry.getLinkName()), target);
                } else {
                    Files.copy(tar, target);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                }
            }
        }
        deleteRecursively(directory);
        Files.move(unpacking, directory);
        // postgres runs as an unprivileged user when the build runs as root: it must reach its own binaries.
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.filter(Files::isDirectory).forEach(dir -> setPermissions(dir, 0755));
        }
        return Optional.of(bin);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ … OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        permissions.add(PosixFilePermission.OWNER_READ);
        return permissions;
    }

    private static void setPermissions(Path path, int mode) {
        try {
            Files.setPosixFilePermissions(path, permissions(mode));
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The harness's FAILED lines wherever they are in the output (a failed drill's can be far from its end). */
    private static String failures(Path output) {
        try (var lines = Files.lines(output)) {
            return lines.filter(line -> line.contains("FAILED")).map(line -> line + "\n").reduce("", String::concat)
                    + "--- last lines:\n";
        } catch (IOException | UncheckedIOException unreadable) {
            return "";
        }
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException unreadable) {
            return "(no output: " + unreadable.getMessage() + ")";
        }
    }
}
