import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** {@code Load bench}: a wrk-like throughput run, wrk's stand-in where it is not installed. */
final class Bench {

    private Bench() {
    }

    /**
     * What wrk does in the full run, for machines without it: `connections` threads, each on a connection of its
     * own, send requests back to back for the given seconds (after an unmeasured warm-up); the same environment
     * variables as bench/wrk/bench.lua and the same JSON. The JDK's client is slower than wrk: a ceiling measured
     * with it is the load generator's as much as the server's, which is why the full run insists on wrk.
     */
    static void run(String url, double seconds, int connections, double warmup) throws Exception {
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
                        + "\"generator\":\"Load.java\"}%n", n, elapsed, n / elapsed, run.errors + run.non2xx,
                run.non2xx, run.timeouts, n == 0 ? 0 : took[Load.percentileIndex(n, 50)] / 1e6,
                n == 0 ? 0 : took[Load.percentileIndex(n, 99)] / 1e6,
                n == 0 ? 0 : took[Load.percentileIndex(n, 99.9)] / 1e6, n == 0 ? 0 : took[n - 1] / 1e6, run.bytes);
    }

    static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    static HttpRequest benchRequest(URI uri) {
        HttpRequest.Builder builder = Load.request(uri.toString()).timeout(Duration.ofSeconds(10));
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
        HttpClient client = Load.client();
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
