// A small load client for what wrk cannot do, and for machines without wrk: register and warm many connections, N
// callers released at once, continuous load with a per-request timeline for fault drills, the latency of single
// misses, and a wrk-like throughput run. JDK 17 only. Load.main dispatches; the larger commands are classes of
// their own beside it (Stampede.java, Drive.java, Misses.java, Bench.java), which bench/lib.sh compiles with it
// once (LOAD_SOURCES). By hand, the same: `javac -d /tmp/load bench/{Load,Stampede,Drive,Misses,Bench}.java`, then
// `java -cp /tmp/load Load <command> …` (JDK 17's single-file launch, `java bench/Load.java`, compiles Load.java
// alone and cannot find the others). Prints one JSON object on stdout.
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
            case "drive" -> Drive.run(a[1].split(","), a[2], Integer.parseInt(a[3]), Double.parseDouble(a[4]),
                    options);
            case "misses" -> Misses.run(a[1], a[2], Integer.parseInt(a[3]), options);
            case "direct" -> Misses.direct(a[1], a[2], Integer.parseInt(a[3]));
            case "bench" -> Bench.run(a[1], Double.parseDouble(a[2]), Integer.parseInt(a[3]),
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

    static int percentileIndex(int n, double percentile) {
        return Math.max(0, Math.min(n - 1, (int) Math.ceil(n * percentile / 100) - 1));
    }
}
