import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code Load drive}: continuous load on one path, for the expiry and refresh-ahead rows and the fault drills. */
final class Drive {

    private Drive() {
    }

    /**
     * Continuous load: W workers loop on one path (spread over the bases) for the given seconds, as fast as they can
     * or, with --rate, at that many requests per second in total. Reports totals, statuses and the first and last
     * failure (epoch millis). With the upstream's stats URL it counts the upstream calls and refused refresh tokens
     * during the run; with the file in which a fault drill noted when its fault fired, the recovery: from the end of
     * the fault to the last failed request. With --keys=N the path's {key} is c1..cN in turn; with --slow-ms the
     * requests that took at least that long are counted; with the brokers' Prometheus URLs, how their token requests
     * were answered during the run (tokenbroker_token_requests_total by outcome, summed over the brokers, and each
     * broker's misses in "misses_by_base"); with --trace every request is written to that file, one line each: start
     * (epoch ms), microseconds taken, base index, key, status — the requests' side of a timeline.
     */
    static void run(String[] bases, String path, int workers, double seconds, Map<String, String> options)
            throws Exception {
        String stats = options.get("stats");
        long callsBefore = stats == null ? 0 : Load.stat(stats, "token_requests");
        long rejectedBefore = stats == null ? 0 : Load.stat(stats, "refresh_rejected");
        String[] metrics = options.containsKey("metrics") ? options.get("metrics").split(",") : new String[0];
        Map<String, Double> outcomesBefore = outcomes(metrics);
        double[] missesBefore = new double[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            missesBefore[i] = outcomes(new String[] {metrics[i]}).getOrDefault("miss", 0.0);
        }
        int keys = Integer.parseInt(options.getOrDefault("keys", "0"));
        long slowNanos = (long) (Double.parseDouble(options.getOrDefault("slow-ms", "0")) * 1e6);
        LongAdder slow = new LongAdder();
        Queue<String> trace = options.containsKey("trace") ? new ConcurrentLinkedQueue<>() : null;
        double rate = Double.parseDouble(options.getOrDefault("rate", "0"));
        // Each worker's own schedule when paced: one request every `interval`, offset so the workers interleave.
        long interval = rate > 0 ? (long) (workers * 1e9 / rate) : 0;
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        long deadline = startNanos + (long) (seconds * 1e9);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        AtomicLong lastFailure = new AtomicLong();
        AtomicLong firstFailure = new AtomicLong();
        AtomicLong maxNanos = new AtomicLong();
        LongAdder total = new LongAdder();
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            long offset = interval * w / workers;
            futures.add(threads.submit(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2)).build();
                long due = startNanos + offset;
                while (System.nanoTime() < deadline) {
                    if (interval > 0) {
                        long now = System.nanoTime();
                        if (due > now) {
                            LockSupport.parkNanos(due - now);
                        } else if (now - due > interval) {
                            due = now; // behind schedule: carry on from now rather than burst to catch up
                        }
                        due += interval;
                        if (System.nanoTime() >= deadline) {
                            break;
                        }
                    }
                    int turn = next.getAndIncrement();
                    int baseIndex = Math.floorMod(turn, bases.length);
                    String base = bases[baseIndex];
                    // Bases and keys in turn, each key visiting every base (a prime-free stride would not).
                    String key = keys > 0 ? "c" + (Math.floorMod(turn / bases.length + turn, keys) + 1) : "";
                    String target = keys > 0 ? path.replace("{key}", key) : path;
                    long startedAt = System.currentTimeMillis();
                    long started = System.nanoTime();
                    int status;
                    try {
                        status = client.send(Load.request(base + target).timeout(Duration.ofSeconds(30)).GET().build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception failed) {
                        status = -1;
                    }
                    long took = System.nanoTime() - started;
                    maxNanos.accumulateAndGet(took, Math::max);
                    if (slowNanos > 0 && took >= slowNanos) {
                        slow.increment();
                    }
                    total.increment();
                    if (trace != null) {
                        trace.add(startedAt + " " + took / 1000 + " " + baseIndex + " " + key + " " + status);
                    }
                    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    if (status != 200) {
                        long now = System.currentTimeMillis();
                        firstFailure.compareAndSet(0, now);
                        lastFailure.accumulateAndGet(now, Math::max);
                        if (status == -1 && interval == 0) {
                            try {
                                Thread.sleep(10); // a refused connection fails in microseconds: don't spin
                            } catch (InterruptedException stop) {
                                return null;
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (var future : futures) {
            future.get((long) seconds + 120, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
        long endMillis = System.currentTimeMillis();
        long failed = total.sum() - statuses.getOrDefault(200, new LongAdder()).sum();
        StringBuilder byStatus = new StringBuilder();
        new TreeMap<>(statuses).forEach((status, count) ->
                byStatus.append(byStatus.length() == 0 ? "" : ",").append('"').append(status).append("\":")
                        .append(count.sum()));
        StringBuilder json = new StringBuilder(String.format(
                "{\"start_ms\":%d,\"end_ms\":%d,\"requests\":%d,\"failed\":%d,\"statuses\":{%s},"
                        + "\"first_failure_ms\":%d,\"last_failure_ms\":%d,\"max_ms\":%.1f", startMillis, endMillis,
                total.sum(), failed, byStatus, firstFailure.get(), lastFailure.get(), maxNanos.get() / 1e6));
        if (rate > 0) {
            json.append(String.format(",\"target_rate\":%.0f", rate));
        }
        if (slowNanos > 0) {
            json.append(",\"slow\":").append(slow.sum()).append(",\"slow_ms\":").append(slowNanos / 1_000_000);
        }
        if (trace != null) {
            Files.write(Path.of(options.get("trace")), trace);
        }
        if (metrics.length > 0) {
            // Misses per broker, in the order of the bases: which instances' callers waited.
            StringBuilder byBase = new StringBuilder();
            for (int i = 0; i < metrics.length; i++) {
                double after = outcomes(new String[] {metrics[i]}).getOrDefault("miss", 0.0);
                byBase.append(i == 0 ? "" : ",").append(Math.round(after - missesBefore[i]));
            }
            json.append(",\"misses_by_base\":[").append(byBase).append(']');
            StringBuilder answered = new StringBuilder();
            outcomes(metrics).forEach((outcome, count) -> answered.append(answered.length() == 0 ? "" : ",")
                    .append('"').append(outcome).append("\":")
                    .append(Math.round(count - outcomesBefore.getOrDefault(outcome, 0.0))));
            json.append(",\"outcomes\":{").append(answered).append('}');
        }
        if (stats != null) {
            json.append(",\"upstream_calls\":").append(Load.stat(stats, "token_requests") - callsBefore)
                    .append(",\"refresh_rejected\":").append(Load.stat(stats, "refresh_rejected") - rejectedBefore);
        }
        if (options.containsKey("fault-file")) {
            Path fired = Path.of(options.get("fault-file"));
            if (!Files.exists(fired)) {
                throw new IllegalStateException("the fault never fired: no " + fired);
            }
            long faultEnd = Long.parseLong(Files.readString(fired).trim())
                    + (long) (Double.parseDouble(options.getOrDefault("fault-seconds", "0")) * 1000);
            long last = lastFailure.get();
            double recovery = failed == 0 || last <= faultEnd ? 0 : Math.round((last - faultEnd) / 100.0) / 10.0;
            // Recovered: the last second of the run saw no failure.
            boolean recovered = failed == 0 || last < endMillis - 1000;
            json.append(",\"recovery_s\":").append(recovery).append(",\"recovered\":").append(recovered);
        }
        System.out.println(json.append('}'));
    }

    static final Pattern OUTCOME = Pattern.compile(
            "(?m)^tokenbroker_token_requests_total\\{[^}]*outcome=\"([a-z_]+)\"[^}]*}\\s+(\\S+)$");

    /** The brokers' token requests so far by outcome, summed over their Prometheus endpoints. */
    static Map<String, Double> outcomes(String[] metricsUrls) throws IOException, InterruptedException {
        Map<String, Double> sum = new TreeMap<>();
        for (String url : metricsUrls) {
            String body = Load.client().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = OUTCOME.matcher(body);
            while (matcher.find()) {
                sum.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
            }
        }
        return sum;
    }
}
