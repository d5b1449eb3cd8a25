// A small load client for what wrk cannot do, and for machines without wrk: register and warm many connections, N
// callers released at once, continuous load with a per-request timeline for fault drills, the latency of single
// misses, and a wrk-like throughput run. JDK 17 only: bench/lib.sh compiles it once (`javac -d …`); by hand,
// `java bench/Load.java <command> …` works too. Prints one JSON object on stdout.
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Load {

    static final String API_KEY = System.getenv("BENCH_API_KEY");
    static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final String USAGE = "usage: Load register <base> <tenant> <count> <token-url> <concurrency> [rt-mint-url]"
            + " | warm <base> <tenant> <count> <concurrency>"
            + " | stampede <bases,> <path[,path…]> <callers> [--warmup-paths=p,…] [--stats=url] [--upstream-ms=n]"
            + " [--baseline-ms=n] [--trace=file]"
            + " | drive <bases,> <path> <workers> <seconds> [--rate=n] [--stats=url] [--fault-file=f --fault-seconds=n]"
            + " [--keys=n (path with {key})] [--slow-ms=n] [--metrics=url,…] [--trace=file]"
            + " | misses <base> <tenant> <count> [--direct=<token-url> --basic=<credentials> [--mint=<url>]]"
            + " | direct <token-url> <basic-credentials> <count>"
            + " | bench <url> <seconds> <connections> [--warmup=seconds]";

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                positional.add(arg);
            }
        }
        String[] a = positional.toArray(String[]::new);
        String command = a.length > 0 ? a[0] : "";
        switch (command) {
            case "register" -> register(a[1], a[2], Integer.parseInt(a[3]), a[4], Integer.parseInt(a[5]),
                    a.length > 6 ? a[6] : "");
            case "warm" -> warm(a[1], a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            case "stampede" -> Stampede.run(a[1].split(","), a[2], Integer.parseInt(a[3]), options);
            case "drive" -> drive(a[1].split(","), a[2], Integer.parseInt(a[3]), Double.parseDouble(a[4]), options);
            case "misses" -> misses(a[1], a[2], Integer.parseInt(a[3]), options);
            case "direct" -> direct(a[1], a[2], Integer.parseInt(a[3]));
            case "bench" -> bench(a[1], Double.parseDouble(a[2]), Integer.parseInt(a[3]),
                    Double.parseDouble(options.getOrDefault("warmup", "0")));
            default -> {
                System.err.println(USAGE);
                System.exit(2);
            }
        }
        System.exit(0);
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    static HttpRequest.Builder request(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (API_KEY != null && !API_KEY.isBlank()) {
            builder.header("X-API-Key", API_KEY);
        }
        return builder;
    }

    /** PUTs connections c1..cN; with a mint URL each gets its own rotating refresh token from the sandbox. */
    static void register(String base, String tenant, int count, String tokenUrl, int concurrency, String mintUrl)
            throws Exception {
        forEach(count, concurrency, (client, i) -> {
            String refresh = "";
            if (!mintUrl.isEmpty()) {
                String minted = client.send(request(mintUrl).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                refresh = ",\"refresh_token\":\"" + minted.replaceAll(".*\"refresh_token\":\"([^\"]+)\".*", "$1")
                        + "\"";
            }
            String body = "{\"provider\":\"oauth2\",\"token_url\":\"" + tokenUrl + "\",\"client_id\":\"bench-client\","
                    + "\"client_secret\":\"bench-secret\",\"scopes\":[\"bench\"]" + refresh + "}";
            return client.send(request(base + "/v1/tenants/" + tenant + "/connections/c" + i)
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
        });
    }

    /** One token request per connection c1..cN, so that every later request is a hit. */
    static void warm(String base, String tenant, int count, int concurrency) throws Exception {
        forEach(count, concurrency, (client, i) -> client.send(
                request(base + "/v1/tenants/" + tenant + "/connections/c" + i + "/token").GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    interface Step {
        boolean run(HttpClient client, int index) throws Exception;
    }

    /** Runs step 1..count on `concurrency` threads, each with its own client and connection. */
    static void forEach(int count, int concurrency, Step step) throws Exception {
        long started = System.nanoTime();
        LongAdder failures = new LongAdder();
        AtomicInteger next = new AtomicInteger(1);
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            futures.add(threads.submit(() -> {
                HttpClient client = client();
                for (int i = next.getAndIncrement(); i <= count; i = next.getAndIncrement()) {
                    boolean ok;
                    try {
                        ok = step.run(client, i);
                    } catch (Exception failed) {
                        ok = false;
                    }
                    if (!ok) {
                        failures.increment();
                    }
                }
                return null;
            }));
        }
        for (var future : futures) {
            future.get(10, TimeUnit.MINUTES);
        }
        threads.shutdownNow();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("{\"count\":%d,\"failures\":%d,\"seconds\":%.3f,\"per_second\":%.1f}%n", count,
                failures.sum(), seconds, count / seconds);
    }

    /** One number from the sandbox's flat stats JSON; 0 when absent (an older sandbox). */
    static long stat(String statsUrl, String field) throws IOException, InterruptedException {
        String body = client().send(HttpRequest.newBuilder(URI.create(statsUrl)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
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
    static void drive(String[] bases, String path, int workers, double seconds, Map<String, String> options)
            throws Exception {
        String stats = options.get("stats");
        long callsBefore = stats == null ? 0 : stat(stats, "token_requests");
        long rejectedBefore = stats == null ? 0 : stat(stats, "refresh_rejected");
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
                        status = client.send(request(base + target).timeout(Duration.ofSeconds(30)).GET().build(),
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
            json.append(",\"upstream_calls\":").append(stat(stats, "token_requests") - callsBefore)
                    .append(",\"refresh_rejected\":").append(stat(stats, "refresh_rejected") - rejectedBefore);
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
            String body = client().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = OUTCOME.matcher(body);
            while (matcher.find()) {
                sum.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
            }
        }
        return sum;
    }

    /**
     * Latency of N first requests on cold connections c1..cN, one after another. With --direct=<token-url> and
     * --basic=<credentials> each miss is paired with one request of the same grant straight to that upstream, on the
     * same client (warmed on both first), the pair's order alternating: a refresh_token grant with a refresh token
     * minted at --mint=<url> beforehand and untimed (as the connections were registered), else client_credentials,
     * scope "bench" either way. The row then has the upstream's p50 of the same run beside the broker's, and
     * added_p50_ms, the median of the per-pair differences.
     */
    static void misses(String base, String tenant, int count, Map<String, String> options) throws Exception {
        long[] took = new long[count];
        long[] upstream = new long[count];
        long[] added = new long[count];
        int failed = 0;
        int upstreamFailed = 0;
        boolean paired = options.containsKey("direct");
        HttpClient client = client();
        client.send(request(base + "/v1/bench/none").GET().build(), HttpResponse.BodyHandlers.discarding());
        if (paired) {
            pairedDirect(client, options, new long[1], 0);
        }
        for (int i = 0; i < count; i++) {
            boolean directFirst = i % 2 == 0;
            if (paired && directFirst) {
                upstreamFailed += pairedDirect(client, options, upstream, i) ? 0 : 1;
            }
            long started = System.nanoTime();
            int status = client.send(request(base + "/v1/tenants/" + tenant + "/connections/c" + (i + 1) + "/token")
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            took[i] = System.nanoTime() - started;
            failed += status == 200 ? 0 : 1;
            if (paired && !directFirst) {
                upstreamFailed += pairedDirect(client, options, upstream, i) ? 0 : 1;
            }
            added[i] = took[i] - upstream[i];
        }
        String json = report(took, failed + upstreamFailed);
        if (paired) {
            Arrays.sort(upstream);
            Arrays.sort(added);
            json = json.substring(0, json.length() - 1) + String.format(
                    ",\"upstream_p50_ms\":%.2f,\"upstream_p99_ms\":%.2f,\"upstream_failed\":%d,\"added_p50_ms\":%.2f}",
                    upstream[count / 2] / 1e6, upstream[percentileIndex(count, 99)] / 1e6, upstreamFailed,
                    added[count / 2] / 1e6);
        }
        System.out.println(json);
    }

    /** One token request of the miss's grant straight to the upstream, its time in took[index]; false if not 200. */
    static boolean pairedDirect(HttpClient client, Map<String, String> options, long[] took, int index)
            throws Exception {
        String form = "grant_type=client_credentials&scope=bench";
        if (options.containsKey("mint")) {
            String minted = client.send(HttpRequest.newBuilder(URI.create(options.get("mint")))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher refresh = Pattern.compile("\"refresh_token\":\"([^\"]+)\"").matcher(minted);
            if (!refresh.find()) {
                return false;
            }
            form = "grant_type=refresh_token&refresh_token="
                    + URLEncoder.encode(refresh.group(1), StandardCharsets.UTF_8) + "&scope=bench";
        }
        long started = System.nanoTime();
        int status = grant(client, options.get("direct"), options.get("basic"), form);
        took[index] = System.nanoTime() - started;
        return status == 200;
    }

    /** One token request, the client authenticated by HTTP Basic; its status. */
    static int grant(HttpClient client, String tokenUrl, String basic, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Latency of N token requests straight to the upstream, one after another (what a miss can't beat). */
    static void direct(String tokenUrl, String basic, int count) throws Exception {
        long[] took = new long[count];
        int failed = 0;
        HttpClient client = client();
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            int status = grant(client, tokenUrl, basic, "grant_type=client_credentials");
            took[i] = System.nanoTime() - started;
            failed += status == 200 ? 0 : 1;
        }
        System.out.println(report(took, failed));
    }

    /** Sorts `took` in place. */
    static String report(long[] took, int failed) {
        Arrays.sort(took);
        int n = took.length;
        return String.format("{\"count\":%d,\"failed\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}", n, failed,
                took[n / 2] / 1e6, took[percentileIndex(n, 99)] / 1e6, took[n - 1] / 1e6);
    }

    static int percentileIndex(int n, double percentile) {
        return Math.max(0, Math.min(n - 1, (int) Math.ceil(n * percentile / 100) - 1));
    }

    /**
     * What wrk does in the full run, for machines without it: `connections` threads, each on a connection of its
     * own, send requests back to back for the given seconds (after an unmeasured warm-up); the same environment variables
     * as bench/wrk/bench.lua and the same JSON. The JDK's client is slower than wrk: a ceiling measured with it is
     * the load generator's as much as the server's, which is why the full run insists on wrk.
     */
    static void bench(String url, double seconds, int connections, double warmup) throws Exception {
        int keys = Integer.parseInt(envOr("BENCH_KEYS", "0"));
        String tenant = envOr("BENCH_TENANT", "bench");
        URI target = URI.create(url);
        List<HttpRequest> requests = new ArrayList<>();
        if (keys > 0) {
            for (int i = 1; i <= keys; i++) {
                requests.add(benchRequest(target.resolve("/v1/tenants/" + tenant + "/connections/c" + i + "/token")));
            }
        } else {
            requests.add(benchRequest(target));
        }
        if (warmup > 0) {
            benchRun(requests, warmup, connections);
        }
        Run run = benchRun(requests, seconds, connections);
        long[] took = run.latencies;
        Arrays.sort(took);
        int n = took.length;
        double elapsed = run.nanos / 1e9;
        System.out.printf("{\"requests\":%d,\"seconds\":%.3f,\"rps\":%.1f,\"errors\":%d,\"non_2xx\":%d,\"timeouts\":%d,"
                        + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"bytes\":%d,"
                        + "\"generator\":\"Load.java\"}%n", n, elapsed, n / elapsed, run.errors + run.non2xx, run.non2xx,
                run.timeouts, n == 0 ? 0 : took[percentileIndex(n, 50)] / 1e6,
                n == 0 ? 0 : took[percentileIndex(n, 99)] / 1e6, n == 0 ? 0 : took[percentileIndex(n, 99.9)] / 1e6,
                n == 0 ? 0 : took[n - 1] / 1e6, run.bytes);
    }

    static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    static HttpRequest benchRequest(URI uri) {
        HttpRequest.Builder builder = request(uri.toString()).timeout(Duration.ofSeconds(10));
        String method = envOr("BENCH_METHOD", "GET");
        String body = envOr("BENCH_BODY", "");
        if (!envOr("BENCH_CONTENT_TYPE", "").isEmpty()) {
            builder.header("Content-Type", System.getenv("BENCH_CONTENT_TYPE"));
        }
        if (!envOr("BENCH_AUTHORIZATION", "").isEmpty()) {
            builder.header("Authorization", System.getenv("BENCH_AUTHORIZATION"));
        }
        return builder.method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    record Run(long[] latencies, long nanos, long errors, long non2xx, long timeouts, long bytes) {
    }

    static Run benchRun(List<HttpRequest> requests, double seconds, int connections) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        LongAdder errors = new LongAdder();
        LongAdder non2xx = new LongAdder();
        LongAdder timeouts = new LongAdder();
        LongAdder bytes = new LongAdder();
        // One client for all: its pool opens a connection per concurrent request, without a selector thread each.
        HttpClient client = client();
        long started = System.nanoTime();
        long deadline = started + (long) (seconds * 1e9);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            futures.add(threads.submit(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    HttpRequest request = requests.get(requests.size() == 1 ? 0 : random.nextInt(requests.size()));
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        bytes.add(response.body().length);
                        if (response.statusCode() > 399) {
                            non2xx.increment();
                        }
                    } catch (java.net.http.HttpTimeoutException timeout) {
                        timeouts.increment();
                        errors.increment();
                        continue;
                    } catch (IOException failed) {
                        errors.increment();
                        Thread.sleep(10); // a refused connection fails in microseconds: don't spin
                        continue;
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - sent;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (var future : futures) {
            all.add(future.get((long) seconds + 60, TimeUnit.SECONDS));
        }
        long nanos = System.nanoTime() - started;
        threads.shutdownNow();
        long[] merged = new long[all.stream().mapToInt(l -> l.length).sum()];
        int at = 0;
        for (long[] part : all) {
            System.arraycopy(part, 0, merged, at, part.length);
            at += part.length;
        }
        return new Run(merged, nanos, errors.sum(), non2xx.sum(), timeouts.sum(), bytes.sum());
    }
}
