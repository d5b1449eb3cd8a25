import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code Load misses} and {@code Load direct}: the latency of single misses and of the upstream alone. */
final class Misses {

    private Misses() {
    }

    /**
     * Latency of N first requests on cold connections c1..cN, one after another. With --direct=<token-url> and
     * --basic=<credentials> each miss is paired with one request of the same grant straight to that upstream, on the
     * same client (warmed on both first), the pair's order alternating: a refresh_token grant with a refresh token
     * minted at --mint=<url> beforehand and untimed (as the connections were registered), else client_credentials,
     * scope "bench" either way. The row then has the upstream's p50 of the same run beside the broker's, and
     * added_p50_ms, the median of the per-pair differences.
     */
    static void run(String base, String tenant, int count, Map<String, String> options) throws Exception {
        long[] took = new long[count];
        long[] upstream = new long[count];
        long[] added = new long[count];
        int failed = 0;
        int upstreamFailed = 0;
        boolean paired = options.containsKey("direct");
        HttpClient client = Load.client();
        client.send(Load.request(base + "/v1/bench/none").GET().build(), HttpResponse.BodyHandlers.discarding());
        if (paired) {
            pairedDirect(client, options, new long[1], 0);
        }
        for (int i = 0; i < count; i++) {
            boolean directFirst = i % 2 == 0;
            if (paired && directFirst) {
                upstreamFailed += pairedDirect(client, options, upstream, i) ? 0 : 1;
            }
            long started = System.nanoTime();
            String path = "/v1/tenants/" + tenant + "/connections/c" + (i + 1) + "/token";
            int status = client.send(Load.request(base + path).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
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
                    upstream[count / 2] / 1e6, upstream[Load.percentileIndex(count, 99)] / 1e6, upstreamFailed,
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
        HttpClient client = Load.client();
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
                took[n / 2] / 1e6, took[Load.percentileIndex(n, 99)] / 1e6, took[n - 1] / 1e6);
    }
}
