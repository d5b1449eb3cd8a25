// A small load client for what wrk cannot do: register and warm many connections, N callers released at once,
// continuous load with a per-request timeline for fault drills, and the latency of single misses. JDK 17 only:
// run as `java bench/Load.java <command> …` (single-file source, no build). Prints one JSON object on stdout.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Load {

    static final String API_KEY = System.getenv("BENCH_API_KEY");
    static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "register" -> register(args[1], args[2], Integer.parseInt(args[3]), args[4], Integer.parseInt(args[5]),
                    args.length > 6 ? args[6] : "");
            case "warm" -> warm(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "stampede" -> stampede(args[1].split(","), args[2], Integer.parseInt(args[3]));
            case "drive" -> drive(args[1].split(","), args[2], Integer.parseInt(args[3]),
                    Double.parseDouble(args[4]));
            case "misses" -> misses(args[1], args[2], Integer.parseInt(args[3]));
            case "direct" -> direct(args[1], args[2], Integer.parseInt(args[3]));
            default -> {
                System.err.println("usage: Load register <base> <tenant> <count> <token-url> <concurrency> [rt-mint-url]"
                        + " | warm <base> <tenant> <count> <concurrency> | stampede <bases,> <path> <callers>"
                        + " | drive <bases,> <path> <workers> <seconds> | misses <base> <tenant> <count>"
                        + " | direct <token-url> <basic-credentials> <count>");
                System.exit(2);
            }
        }
        System.exit(0);
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
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            futures.add(threads.submit(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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

    /**
     * N callers on one path, spread round-robin over the bases. Each caller has its own thread and connection
     * (opened and warmed on a cheap path first), then all are released at once by a latch.
     */
    static void stampede(String[] bases, String path, int callers) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        long[] waits = new long[callers];
        String[] tokens = new String[callers];
        int[] statuses = new int[callers];
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            int caller = i;
            String base = bases[i % bases.length];
            futures.add(threads.submit(() -> {
                // One client per caller: its own connection, so no caller queues behind another in a pool.
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                try {
                    client.send(request(base + "/v1/bench/none").GET().build(), HttpResponse.BodyHandlers.discarding());
                } catch (Exception ignored) {
                    // only to open the connection
                }
                ready.countDown();
                try {
                    go.await();
                    long started = System.nanoTime();
                    HttpResponse<String> response = client.send(request(base + path).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    waits[caller] = System.nanoTime() - started;
                    statuses[caller] = response.statusCode();
                    Matcher matcher = ACCESS_TOKEN.matcher(response.body());
                    tokens[caller] = matcher.find() ? matcher.group(1) : null;
                } catch (Exception failed) {
                    statuses[caller] = -1;
                }
                return null;
            }));
        }
        ready.await(60, TimeUnit.SECONDS);
        go.countDown();
        for (var future : futures) {
            future.get(120, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
        Arrays.sort(waits);
        long ok = Arrays.stream(statuses).filter(s -> s == 200).count();
        Set<String> distinct = new HashSet<>(Arrays.asList(tokens));
        distinct.remove(null);
        System.out.printf("{\"callers\":%d,\"ok\":%d,\"failed\":%d,\"distinct_tokens\":%d,\"p50_ms\":%.2f,"
                        + "\"max_ms\":%.2f}%n", callers, ok, callers - ok, distinct.size(), waits[callers / 2] / 1e6,
                waits[callers - 1] / 1e6);
    }

    /**
     * Continuous load: W workers loop on one path (spread over the bases) for the given seconds. Reports totals,
     * statuses, and failures per 250 ms bucket as epoch millis, so a script can find when failures stopped.
     */
    static void drive(String[] bases, String path, int workers, double seconds) throws Exception {
        long startMillis = System.currentTimeMillis();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        Map<Long, LongAdder> failedBuckets = new ConcurrentHashMap<>();
        AtomicLong lastFailure = new AtomicLong();
        AtomicLong firstFailure = new AtomicLong();
        AtomicLong maxNanos = new AtomicLong();
        LongAdder total = new LongAdder();
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        AtomicInteger next = new AtomicInteger();
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            futures.add(threads.submit(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2)).build();
                while (System.nanoTime() < deadline) {
                    String base = bases[Math.floorMod(next.getAndIncrement(), bases.length)];
                    long started = System.nanoTime();
                    int status;
                    try {
                        status = client.send(request(base + path).timeout(Duration.ofSeconds(30)).GET().build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception failed) {
                        status = -1;
                    }
                    long took = System.nanoTime() - started;
                    maxNanos.accumulateAndGet(took, Math::max);
                    total.increment();
                    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    if (status != 200) {
                        long now = System.currentTimeMillis();
                        firstFailure.compareAndSet(0, now);
                        lastFailure.accumulateAndGet(now, Math::max);
                        failedBuckets.computeIfAbsent(now / 250 * 250, b -> new LongAdder()).increment();
                        if (status == -1) {
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
        long failed = total.sum() - statuses.getOrDefault(200, new LongAdder()).sum();
        StringBuilder byStatus = new StringBuilder();
        new TreeMap<>(statuses).forEach((status, count) ->
                byStatus.append(byStatus.length() == 0 ? "" : ",").append('"').append(status).append("\":")
                        .append(count.sum()));
        System.out.printf("{\"start_ms\":%d,\"total\":%d,\"failed\":%d,\"statuses\":{%s},\"first_failure_ms\":%d,"
                        + "\"last_failure_ms\":%d,\"max_latency_ms\":%.1f}%n", startMillis, total.sum(), failed,
                byStatus, firstFailure.get(), lastFailure.get(), maxNanos.get() / 1e6);
    }

    /** Latency of N first requests on cold connections c1..cN, one after another. */
    static void misses(String base, String tenant, int count) throws Exception {
        long[] took = new long[count];
        int failed = 0;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        client.send(request(base + "/v1/bench/none").GET().build(), HttpResponse.BodyHandlers.discarding());
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            int status = client.send(request(base + "/v1/tenants/" + tenant + "/connections/c" + (i + 1) + "/token")
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            took[i] = System.nanoTime() - started;
            failed += status == 200 ? 0 : 1;
        }
        report(took, failed);
    }

    /** Latency of N token requests straight to the upstream, one after another (what a miss can't beat). */
    static void direct(String tokenUrl, String basic, int count) throws Exception {
        long[] took = new long[count];
        int failed = 0;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            int status = client.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            took[i] = System.nanoTime() - started;
            failed += status == 200 ? 0 : 1;
        }
        report(took, failed);
    }

    static void report(long[] took, int failed) {
        Arrays.sort(took);
        int n = took.length;
        System.out.printf("{\"count\":%d,\"failed\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}%n", n, failed,
                took[n / 2] / 1e6, took[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6, took[n - 1] / 1e6);
    }
}
