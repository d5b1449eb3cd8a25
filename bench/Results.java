// The harness's JSON work, so that it needs no jq: combine measurements, assemble a run's results document, and
// render its Markdown table. JDK 17 only (a minimal JSON reader and writer below); bench/lib.sh compiles it once,
// and `java bench/Results.java report FILE` works by hand.
//   sum FILE…                  several wrk/Load.java bench results as one: requests/s summed, worst latencies
//   median FILE…               rounds of one throughput row as one: the median round, every round's requests/s
//   hyperfine FILE             hyperfine's --export-json as {runs, mean_ms, min_ms, max_ms}
//   document META ROWS         META (a JSON object) plus "rows": the JSON lines of ROWS, pretty-printed
//   report FILE                the Markdown table of a bench/run.sh document, ratios to both ceilings on HTTP rows
//   faults-report FILE         the Markdown table of a bench/faults.sh document
//   failed FILE                how many rows failed, or were measured and saw failed requests
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

public class Results {

    public static void main(String[] args) throws IOException {
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "sum" -> System.out.println(write(sum(args), false));
            case "median" -> System.out.println(write(median(args), false));
            case "hyperfine" -> System.out.println(write(hyperfine(read(args[1])), false));
            case "document" -> System.out.println(write(document(read(args[1]), Path.of(args[2])), true));
            case "report" -> System.out.print(report(object(read(args[1]))));
            case "faults-report" -> System.out.print(faultsReport(object(read(args[1]))));
            case "failed" -> System.out.println(failed(object(read(args[1]))));
            default -> {
                System.err.println("usage: Results sum FILE… | median FILE… | hyperfine FILE | document META ROWS | report FILE"
                        + " | faults-report FILE | failed FILE");
                System.exit(2);
            }
        }
    }

    static Object read(String file) throws IOException {
        return new Reader(Files.readString(Path.of(file))).document();
    }

    static Map<String, Object> sum(String[] args) throws IOException {
        Map<String, Object> sum = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            Map<String, Object> run = object(read(args[i]));
            for (String field : List.of("rps", "requests", "errors")) {
                sum.put(field, number(sum.get(field), 0) + number(run.get(field), 0));
            }
            for (String field : List.of("p50_ms", "p99_ms", "p999_ms", "max_ms")) {
                sum.put(field, Math.max(number(sum.get(field), 0), number(run.get(field), 0)));
            }
            sum.putIfAbsent("generator", run.get("generator"));
        }
        return sum;
    }

    /**
     * The round with the median requests/s (the lower one of an even count), with every round's requests/s in run
     * order and their spread; errors are summed over the rounds, so that a failing round is never hidden. A round's
     * file may hold {@code {}} when its load generator printed nothing.
     */
    static Map<String, Object> median(String[] args) throws IOException {
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            rounds.add(object(read(args[i])));
        }
        List<Map<String, Object>> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(round -> number(round.get("rps"), 0)));
        Map<String, Object> median = new LinkedHashMap<>(sorted.get((sorted.size() - 1) / 2));
        double low = number(sorted.get(0).get("rps"), 0);
        double high = number(sorted.get(sorted.size() - 1).get("rps"), 0);
        double middle = number(median.get("rps"), 0);
        median.put("rounds", rounds.size());
        median.put("rps_rounds", rounds.stream().map(round -> (Object) number(round.get("rps"), 0)).toList());
        median.put("spread_pct", middle > 0 ? Math.round((high - low) / middle * 1000) / 10.0 : 0.0);
        for (String field : List.of("errors", "non_2xx")) {
            median.put(field, rounds.stream().mapToDouble(round -> number(round.get(field), 0)).sum());
        }
        // A round that printed nothing (the load generator failed) counts as an error of the row.
        median.put("errors", number(median.get("errors"), 0) + rounds.stream().filter(round -> round.get("rps") == null)
                .count());
        return median;
    }

    static Map<String, Object> hyperfine(Object exported) {
        Map<String, Object> result = object(((List<?>) object(exported).get("results")).get(0));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("runs", ((List<?>) result.get("times")).size());
        for (String field : List.of("mean", "min", "max")) {
            summary.put(field + "_ms", (double) Math.round(number(result.get(field), 0) * 1000));
        }
        return summary;
    }

    static Map<String, Object> document(Object meta, Path rows) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>(object(meta));
        List<Object> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(rows)) {
            if (!line.isBlank()) {
                parsed.add(new Reader(line).document());
            }
        }
        document.put("rows", parsed);
        return document;
    }

    static long failed(Map<String, Object> document) {
        return rows(document).stream().filter(row -> "failed".equals(row.get("status"))
                || "measured".equals(row.get("status")) && (number(row.get("errors"), 0) > 0
                || number(row.get("failed"), 0) > 0 || number(row.get("failures"), 0) > 0)).count();
    }

    static String report(Map<String, Object> document) {
        // Results written before rows had ids name their ceilings only in the variant.
        Double nginx = rps(document, "ceiling.nginx", "nginx");
        Double constant = rps(document, "ceiling.micronaut-blocking", "Micronaut constant, blocking");
        Map<String, Object> machine = object(document.get("machine"));
        StringBuilder out = new StringBuilder();
        out.append(String.format("Run %s · %s · %s cores, %s · %s · commit %s · %s s%n%n", document.get("date"),
                document.get("command"), text(machine.get("cores")), machine.get("cpu"), machine.get("jvm"),
                machine.get("commit"), text(document.get("elapsed_s"))));
        out.append(String.format("Load: %s; broker JVM %s; response %s bytes.%n%n", document.get("load"),
                document.get("broker_java_opts"), text(document.get("response_bytes"))));
        out.append("| step | variant | requests/s | p50 ms | p99 ms | p99.9 ms | failed | × nginx | × Micronaut constant"
                + " | other |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> row : rows(document)) {
            if (!"measured".equals(row.get("status"))) {
                out.append(String.format("| %s | %s | %s | | | | | | | %s |%n", row.get("step"), row.get("variant"),
                        row.get("status"), row.get("note")));
                continue;
            }
            StringJoiner other = new StringJoiner("; ");
            if (row.get("upstream_calls_rounds") instanceof List<?> calls && calls.size() > 1) {
                other.add("upstream calls per round " + joined(calls, 0));
            } else if (row.get("upstream_calls") != null) {
                other.add("upstream calls " + text(row.get("upstream_calls")));
            }
            if (row.get("distinct_tokens") != null) {
                other.add("distinct tokens " + text(row.get("distinct_tokens")));
            }
            if (row.get("slowest_vs_one_upstream_call") != null) {
                other.add(String.format("slowest caller %s ms = %s × one upstream call", round(row.get("max_ms"), 1),
                        text(row.get("slowest_vs_one_upstream_call"))));
            }
            if (row.get("max_ms_rounds") instanceof List<?> slowest && slowest.size() > 1) {
                other.add(String.format("median of %d measured rounds; slowest caller per round %s ms", slowest.size(),
                        joined(slowest, 1)));
            }
            if (row.get("slowest_vs_1_instance") != null) {
                other.add(String.format("slowest ÷ slowest on 1 instance (%s ms): %s",
                        round(row.get("baseline_max_ms"), 1), text(row.get("slowest_vs_1_instance"))));
            }
            if (row.get("first_warmup_round_slowest_vs_one_upstream_call") != null) {
                other.add(String.format("first of %s warm-up rounds: slowest %s ms = %s ×",
                        text(row.get("warmup_rounds")), round(row.get("first_warmup_round_max_ms"), 1),
                        text(row.get("first_warmup_round_slowest_vs_one_upstream_call"))));
            }
            if (row.get("token_lifetimes_in_window") != null) {
                other.add(String.format("%s requests, %s serve windows of 2 s, max wait %s ms",
                        text(row.get("requests")), text(row.get("token_lifetimes_in_window")),
                        round(row.get("max_ms"), 1)));
            }
            if (row.get("waited_on_upstream") != null) {
                Map<String, Object> outcomes = object(row.get("outcomes"));
                other.add(String.format("waited on an upstream call: %s of %s requests (the brokers' misses); %s took"
                                + " ≥ %s ms; stale served %s; renewals due ≥ %s; max wait %s ms",
                        text(row.get("waited_on_upstream")), text(row.get("requests")), text(row.get("slow")),
                        text(row.get("slow_ms")), text(outcomes.get("stale_served")), text(row.get("renewals_due")),
                        round(row.get("max_ms"), 1)));
            }
            if (row.get("rows_per_s") != null) {
                other.add(String.format("%s rows/s (%s attempts over %s connection(s) in %s s); dropped %s, gap rows %s",
                        round(row.get("rows_per_s"), 0), text(row.get("attempt_rows")), text(row.get("connections")),
                        round(row.get("seconds"), 1), text(row.get("dropped")), text(row.get("gap_rows"))));
            }
            if (row.get("added_p50_ms") != null) {
                other.add("added above the upstream: " + text(row.get("added_p50_ms")) + " ms at p50"
                        + (row.get("upstream_p50_ms") == null ? "" : " (upstream " + text(row.get("upstream_p50_ms"))
                        + " ms, same pairs)"));
            }
            if (row.get("hot_added_p50_ms") != null) {
                other.add("after " + text(row.get("hot_after_misses")) + " misses: " + text(row.get("hot_p50_ms"))
                        + " ms p50, added " + text(row.get("hot_added_p50_ms")) + " ms");
            }
            if (row.get("rss_mib") != null) {
                other.add(String.format("RSS %s MiB%s; registered %s/s, first fetches %s/s", text(row.get("rss_mib")),
                        row.get("live_heap_mib") == null ? "" : ", live heap " + text(row.get("live_heap_mib")) + " MiB",
                        round(row.get("registered_per_s"), 0), round(row.get("first_fetch_per_s"), 0)));
            }
            if (row.get("mean_ms") != null) {
                other.add(String.format("mean %s ms (min %s, max %s, %s runs)", text(row.get("mean_ms")),
                        text(row.get("min_ms")), text(row.get("max_ms")), text(row.get("runs"))));
            }
            if (row.get("rps_rounds") instanceof List<?> rounds && rounds.size() > 1) {
                other.add(String.format("median of %d rounds (%s req/s; spread %s %%)", rounds.size(),
                        joined(rounds, 0), text(row.get("spread_pct"))));
            }
            if (row.get("warmup_rps") != null) {
                other.add(String.format("after a %s s warm-up pass at %s req/s (not in the median)",
                        text(row.get("warmup_s")), round(row.get("warmup_rps"), 0)));
            }
            if ("Load.java".equals(row.get("generator"))) {
                other.add("load from Load.java (wrk not installed)");
            }
            if (!"".equals(row.getOrDefault("note", ""))) {
                other.add(String.valueOf(row.get("note")));
            }
            Object rps = row.get("rps");
            boolean throughput = rps != null && row.get("p999_ms") != null;
            Object failed = row.get("errors") != null ? row.get("errors")
                    : row.get("failed") != null ? row.get("failed") : 0;
            out.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", row.get("step"),
                    row.get("variant"), rps == null ? "" : round(rps, 0), ms(row.get("p50_ms")), ms(row.get("p99_ms")),
                    ms(row.get("p999_ms")), text(failed),
                    throughput && nginx != null ? round(number(rps, 0) / nginx, 2) : "",
                    throughput && constant != null ? round(number(rps, 0) / constant, 2) : "", other));
        }
        return out.toString();
    }

    /** Numbers of a list as "a / b / c", each rounded. */
    static String joined(List<?> values, int decimals) {
        StringJoiner each = new StringJoiner(" / ");
        values.forEach(value -> each.add(round(value, decimals)));
        return each.toString();
    }

    static String faultsReport(Map<String, Object> document) {
        Map<String, Object> machine = object(document.get("machine"));
        StringBuilder out = new StringBuilder();
        out.append(String.format("Run %s · %s · %s cores · %s · commit %s · %s s%n%nLoad: %s.%n%n", document.get("date"),
                document.get("command"), text(machine.get("cores")), machine.get("jvm"), machine.get("commit"),
                text(document.get("elapsed_s")), document.get("load")));
        out.append("| fault | variant | requests | failed | upstream calls | refresh tokens lost | invalid_grant"
                + " | recovery | notes |\n|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Map<String, Object> row : rows(document)) {
            if (!"measured".equals(row.get("status"))) {
                out.append(String.format("| %s | %s | %s | | | | | | %s |%n", row.get("step"), row.get("variant"),
                        row.get("status"), row.get("note")));
                continue;
            }
            String recovery = Boolean.TRUE.equals(row.get("recovered")) ? text(row.get("recovery_s")) + " s"
                    : "not within " + text(row.get("recovery_s")) + " s";
            String note = String.valueOf(row.getOrDefault("note", ""));
            if (row.get("restart_ready_ms") != null) {
                note = String.format("restarted instance answered %s ms after its launch; %s",
                        text(row.get("restart_ready_ms")), note);
            }
            if (row.get("target_rate") != null) {
                note = String.format("paced at %s requests/s; %s", text(row.get("target_rate")), note);
            }
            out.append(String.format("| %s | %s | %s | %s %s | %s | %s | %s | %s | %s |%n", row.get("step"),
                    row.get("variant"), text(row.get("requests")), text(row.get("failed")),
                    write(row.get("statuses"), false), text(row.get("upstream_calls")),
                    text(row.get("refresh_tokens_lost")), text(row.get("refresh_rejected")), recovery, note));
        }
        return out.toString();
    }

    static Double rps(Map<String, Object> document, String id, String legacyVariant) {
        return rows(document).stream().filter(row -> row.get("rps") != null && (id.equals(row.get("id"))
                        || row.get("id") == null && "ceiling".equals(row.get("step"))
                        && String.valueOf(row.get("variant")).startsWith(legacyVariant)))
                .map(row -> number(row.get("rps"), 0)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(Map<String, Object> document) {
        return (List<Map<String, Object>>) document.get("rows");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    static double number(Object value, double fallback) {
        return value instanceof Number n ? n.doubleValue() : fallback;
    }

    /** A number as jq prints it: no ".0" on whole numbers. */
    static String text(Object value) {
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue())
                    : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    static String round(Object value, int decimals) {
        // A ratio to a ceiling that measured nothing (0 requests/s on an overloaded machine) is not a figure.
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return "";
        }
        return text(BigDecimal.valueOf(n.doubleValue()).setScale(decimals, RoundingMode.HALF_UP).doubleValue());
    }

    /** Milliseconds: two decimals below 10, one above. */
    static String ms(Object value) {
        return value instanceof Number n ? round(n, n.doubleValue() < 10 ? 2 : 1) : "";
    }

    // --- a minimal JSON reader and writer: objects keep their order, numbers are doubles ---------------------------

    static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            space();
            if (at != text.length()) {
                throw error("trailing text");
            }
            return value;
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            if (c == '{') {
                Map<String, Object> object = new LinkedHashMap<>();
                at++;
                space();
                if (peek('}')) {
                    return object;
                }
                do {
                    space();
                    String key = string();
                    space();
                    expect(':');
                    object.put(key, value());
                    space();
                } while (peek(','));
                expect('}');
                return object;
            }
            if (c == '[') {
                List<Object> array = new ArrayList<>();
                at++;
                space();
                if (peek(']')) {
                    return array;
                }
                do {
                    array.add(value());
                    space();
                } while (peek(','));
                expect(']');
                return array;
            }
            if (c == '"') {
                return string();
            }
            for (String literal : List.of("true", "false", "null")) {
                if (text.startsWith(literal, at)) {
                    at += literal.length();
                    return literal.equals("null") ? null : Boolean.valueOf(literal);
                }
            }
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            try {
                return Double.parseDouble(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("not a value");
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            throw error("unterminated string");
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private boolean peek(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + at + " of: "
                    + text.substring(0, Math.min(text.length(), 200)));
        }
    }

    static String write(Object value, boolean pretty) {
        StringBuilder out = new StringBuilder();
        write(value, pretty, "", out);
        return out.toString();
    }

    private static void write(Object value, boolean pretty, String indent, StringBuilder out) {
        String inner = indent + "  ";
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (var entry : map.entrySet()) {
                out.append(first ? "" : ",").append(pretty ? "\n" + inner : "");
                quote(String.valueOf(entry.getKey()), out);
                out.append(pretty ? ": " : ":");
                write(entry.getValue(), pretty, inner, out);
                first = false;
            }
            out.append(pretty ? "\n" + indent : "").append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",").append(pretty ? "\n" + inner : "");
                write(list.get(i), pretty, inner, out);
            }
            out.append(pretty ? "\n" + indent : "").append(']');
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Number n) {
            out.append(text(n.doubleValue()));
        } else {
            out.append(value);
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
