import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.IntStream;

/**
 * N callers on a cold path, spread round-robin over the bases. Each caller has its own thread and keep-alive
 * connection (opened and warmed on a cheap path first), then all are released at once by a latch. Warm-up paths
 * (other never-fetched connections) are stampeded first by the same callers, and their results dropped: freshly
 * started brokers otherwise spend the measured rounds loading classes and compiling the lease and wake-up paths.
 * Several measured paths (comma-separated) are one measured round each: the row is the round with the median slowest
 * caller, every round's slowest caller and upstream calls are listed, and failures are summed over the rounds. With
 * the upstream's stats URL, the upstream calls of each measured round are counted; with --baseline-ms (the slowest
 * caller of the same stampede on one instance), the slowest caller is also given as a multiple of it.
 *
 * <p>Callers write a pre-built HTTP/1.1 request on a plain blocking socket and read the answer on the same thread.
 * With a JDK HttpClient per caller (until 2026-12-04) the load generator's own hand-offs (a selector thread and an
 * executor per client) made 100 released callers reach the brokers over 58–125 ms on 2 cores — the row measured the
 * load generator competing with the brokers for the CPU rather than the brokers.
 */
final class Stampede {

    /** With --trace=FILE: one line per caller (path, instance, start and end in epoch µs, status). */
    private static Queue<String> trace;
    private static final long EPOCH_NANO = System.nanoTime();
    private static final long EPOCH_MICROS = epochMicrosNow();

    private Stampede() {
    }

    static void run(String[] bases, String paths, int callers, Map<String, String> options) throws Exception {
        List<String> warmups = new ArrayList<>();
        if (!options.getOrDefault("warmup-paths", "").isEmpty()) {
            warmups.addAll(Arrays.asList(options.get("warmup-paths").split(",")));
        }
        String stats = options.get("stats");
        trace = options.containsKey("trace") ? new ConcurrentLinkedQueue<>() : null;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        Caller[] clients = new Caller[callers];
        for (int i = 0; i < callers; i++) {
            clients[i] = new Caller(URI.create(bases[i % bases.length]));
        }
        double firstRoundMaxMs = -1;
        for (int r = 0; r < warmups.size(); r++) {
            Round round = round(threads, clients, bases.length, warmups.get(r), r == 0);
            firstRoundMaxMs = r == 0 ? round.maxMs() : firstRoundMaxMs;
        }
        List<Round> measured = new ArrayList<>();
        List<Long> upstreamCalls = new ArrayList<>();
        for (String path : paths.split(",")) {
            long callsBefore = stats == null ? 0 : Load.stat(stats, "token_requests");
            measured.add(round(threads, clients, bases.length, path, warmups.isEmpty() && measured.isEmpty()));
            upstreamCalls.add(stats == null ? 0 : Load.stat(stats, "token_requests") - callsBefore);
        }
        threads.shutdownNow();
        for (Caller client : clients) {
            client.close();
        }
        if (trace != null) {
            Files.write(Path.of(options.get("trace")), trace);
        }
        System.out.println(json(callers, warmups.size(), firstRoundMaxMs, measured,
                stats == null ? null : upstreamCalls, options));
    }

    static String json(int callers, int warmupRounds, double firstRoundMaxMs, List<Round> measured,
                       List<Long> upstreamCalls, Map<String, String> options) {
        List<Round> bySlowest = new ArrayList<>(measured);
        bySlowest.sort(Comparator.comparingDouble(Round::maxMs));
        Round median = bySlowest.get((bySlowest.size() - 1) / 2);
        int failed = measured.stream().mapToInt(round -> callers - round.ok).sum();
        StringBuilder json = new StringBuilder(String.format(
                "{\"callers\":%d,\"ok\":%d,\"failed\":%d,\"distinct_tokens\":%d,\"p50_ms\":%.2f,\"max_ms\":%.2f",
                callers, median.ok, failed, measured.stream().mapToInt(Round::distinct).max().orElse(0),
                median.p50Ms(), median.maxMs()));
        json.append(",\"rounds\":").append(measured.size()).append(",\"max_ms_rounds\":")
                .append(list(measured.stream().map(round -> String.format("%.2f", round.maxMs())).toList()));
        if (median.byInstance().length > 1) {
            json.append(",\"by_instance_p50_max_ms\":").append(list(Arrays.stream(median.byInstance())
                    .map(w -> String.format("[%.2f,%.2f]", w[w.length / 2] / 1e6, w[w.length - 1] / 1e6)).toList()));
        }
        json.append(String.format(",\"start_spread_ms\":%.2f", median.startSpreadNanos() / 1e6));
        json.append(",\"warmup_rounds\":").append(warmupRounds);
        if (firstRoundMaxMs >= 0) {
            json.append(String.format(",\"first_warmup_round_max_ms\":%.2f", firstRoundMaxMs));
        }
        if (upstreamCalls != null) {
            // The worst round: the ceilings ("1 upstream call") hold for every round or not at all.
            json.append(",\"upstream_calls\":").append(upstreamCalls.stream().mapToLong(Long::longValue).max()
                    .orElse(0)).append(",\"upstream_calls_rounds\":")
                    .append(list(upstreamCalls.stream().map(String::valueOf).toList()));
        }
        if (options.containsKey("upstream-ms")) {
            double upstream = Double.parseDouble(options.get("upstream-ms"));
            json.append(String.format(",\"slowest_vs_one_upstream_call\":%.2f", median.maxMs() / upstream));
            if (firstRoundMaxMs >= 0) {
                json.append(String.format(",\"first_warmup_round_slowest_vs_one_upstream_call\":%.2f",
                        firstRoundMaxMs / upstream));
            }
        }
        if (options.containsKey("baseline-ms")) {
            double baseline = Double.parseDouble(options.get("baseline-ms"));
            json.append(String.format(",\"baseline_max_ms\":%.2f,\"slowest_vs_1_instance\":%.2f", baseline,
                    median.maxMs() / baseline));
        }
        return json.append('}').toString();
    }

    static String list(List<String> values) {
        return "[" + String.join(",", values) + "]";
    }

    /**
     * @param byInstance       each instance's (base's) callers' waits, sorted, in the order of the bases
     * @param startSpreadNanos from the first caller's request to the last one's: how long the release took
     */
    record Round(long[] waits, int ok, int distinct, long[][] byInstance, long startSpreadNanos) {
        double p50Ms() {
            return waits[waits.length / 2] / 1e6;
        }

        double maxMs() {
            return waits[waits.length - 1] / 1e6;
        }
    }

    static Round round(ExecutorService threads, Caller[] clients, int instances, String path,
                       boolean openConnections) throws Exception {
        int callers = clients.length;
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        long[] waits = new long[callers];
        long[] starts = new long[callers];
        String[] tokens = new String[callers];
        int[] statuses = new int[callers];
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            int caller = i;
            futures.add(threads.submit(() -> {
                if (openConnections) {
                    try {
                        clients[caller].get("/v1/bench/none");
                    } catch (IOException ignored) {
                        // only to open the connection; the measured request opens it again if needed
                    }
                }
                ready.countDown();
                try {
                    go.await();
                    starts[caller] = System.nanoTime();
                    Answer answer = clients[caller].get(path);
                    waits[caller] = System.nanoTime() - starts[caller];
                    statuses[caller] = answer.status();
                    Matcher matcher = Load.ACCESS_TOKEN.matcher(answer.body());
                    tokens[caller] = matcher.find() ? matcher.group(1) : null;
                    if (trace != null) {
                        trace.add(String.format("%s %d %d %d %d", path, caller % instances,
                                epochMicros(starts[caller]), epochMicros(starts[caller] + waits[caller]),
                                statuses[caller]));
                    }
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
        // Which instance's callers wait longest: the lease holder's, or those woken by its stored-token message.
        long[][] byInstance = new long[instances][];
        for (int b = 0; b < instances; b++) {
            int instance = b;
            byInstance[b] = IntStream.range(0, callers).filter(c -> c % instances == instance)
                    .mapToLong(c -> waits[c]).sorted().toArray();
        }
        long spread = Arrays.stream(starts).max().orElse(0) - Arrays.stream(starts).min().orElse(0);
        Arrays.sort(waits);
        int ok = (int) Arrays.stream(statuses).filter(s -> s == 200).count();
        Set<String> distinct = new HashSet<>(Arrays.asList(tokens));
        distinct.remove(null);
        return new Round(waits, ok, distinct.size(), byInstance, spread);
    }

    private static long epochMicrosNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** A System.nanoTime() reading in epoch microseconds, to line a trace up with other processes' clocks. */
    private static long epochMicros(long nanoTime) {
        return EPOCH_MICROS + (nanoTime - EPOCH_NANO) / 1000;
    }

    record Answer(int status, String body) {
    }

    /**
     * One keep-alive HTTP/1.1 connection to a broker, used by one thread: GET requests written whole, answers read
     * with their Content-Length (the broker's JSON answers carry one; anything else fails the caller, visibly).
     */
    static final class Caller {
        private final URI base;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Caller(URI base) {
            this.base = base;
        }

        Answer get(String path) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(60_000);
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            }
            String key = Load.API_KEY == null || Load.API_KEY.isBlank() ? "" : "X-API-Key: " + Load.API_KEY + "\r\n";
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n" + key
                    + "Accept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                return read();
            } catch (IOException broken) {
                close();
                throw broken;
            }
        }

        private Answer read() throws IOException {
            String status = line();
            int code = Integer.parseInt(status.split(" ")[1]);
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            if (length < 0) {
                throw new IOException("an answer without Content-Length");
            }
            return new Answer(code, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-answer");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing only
            }
            socket = null;
        }
    }
}
