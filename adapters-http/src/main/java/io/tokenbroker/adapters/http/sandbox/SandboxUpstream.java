package io.tokenbroker.adapters.http.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real OAuth2 token endpoint for newcomers, tests and benchmarks, on loopback only: client credentials and
 * (rotating) refresh token grants with {@code client_secret_basic} or {@code client_secret_post}, short-lived
 * opaque tokens, and a count of the token requests it served ({@code GET /stats}). It also speaks two other
 * dialects the broker supports: QPay v2 ({@code /v2/auth/token} answering {@code expires_in} as an epoch,
 * {@code /v2/auth/refresh} answering it as a duration, as QPay does) and an internal auth service
 * ({@code GET /auth/token} with {@code X-Tenant-ID}, answering {@code {"token": …}}).
 *
 * <p>For benchmarks and fault drills it has a few admin endpoints, as reachable as the rest (loopback only):
 * {@code POST /fault {"status":503,"seconds":10,"retry_after":2}} makes every token endpoint answer that status
 * (with {@code Retry-After} when given) for that long, {@code {"status":0}} ends it early;
 * {@code POST /delay {"millis":100}} sets the response delay; {@code POST /refresh-tokens} mints a refresh token
 * as if a user had authorised the client. {@code /stats} also counts fault answers and refused refresh tokens
 * ({@code invalid_grant}): a rotated refresh token a client lost shows up there.
 */
public final class SandboxUpstream implements AutoCloseable {

    /** Where tokens are asked for. */
    public static final String TOKEN_PATH = "/oauth/token";
    /** QPay v2 token and refresh endpoints. */
    public static final String QPAY_TOKEN_PATH = "/v2/auth/token";
    public static final String QPAY_REFRESH_PATH = "/v2/auth/refresh";
    /** The internal auth service endpoint. */
    public static final String AUTH_SERVICE_PATH = "/auth/token";
    /** Where the request count is read. */
    public static final String STATS_PATH = "/stats";
    /** Admin: switch a fault on or off. */
    public static final String FAULT_PATH = "/fault";
    /** Admin: set the response delay. */
    public static final String DELAY_PATH = "/delay";
    /** Admin: mint a live refresh token. */
    public static final String REFRESH_TOKENS_PATH = "/refresh-tokens";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String clientId;
    private final String clientSecret;
    private final Duration tokenLifetime;
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong issued = new AtomicLong();
    private final Set<String> liveRefreshTokens = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong faultResponses = new AtomicLong();
    private final AtomicLong refreshRejected = new AtomicLong();
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile Fault fault = Fault.NONE;

    private SandboxUpstream(int port, String clientId, String clientSecret, Duration tokenLifetime) throws IOException {
        // Without it the JDK server delays small responses by ~40 ms (Nagle + delayed ACK); read once per JVM.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tokenLifetime = tokenLifetime;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        this.executor = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "sandbox-upstream");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(TOKEN_PATH, this::token);
        server.createContext(STATS_PATH, this::stats);
        server.createContext(QPAY_TOKEN_PATH, this::qpayToken);
        server.createContext(QPAY_REFRESH_PATH, this::qpayRefresh);
        server.createContext(AUTH_SERVICE_PATH, this::authService);
        server.createContext(FAULT_PATH, this::fault);
        server.createContext(DELAY_PATH, this::delaySwitch);
        server.createContext(REFRESH_TOKENS_PATH, this::refreshTokens);
        server.start();
    }

    /**
     * Starts on {@code port} (0 picks a free one) for one client.
     *
     * @param tokenLifetime the {@code expires_in} of every token it issues
     */
    public static SandboxUpstream start(int port, String clientId, String clientSecret, Duration tokenLifetime)
            throws IOException {
        return new SandboxUpstream(port, clientId, clientSecret, tokenLifetime);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + port() + TOKEN_PATH);
    }

    /** The base URL, for QPay's {@code base_url} and the auth service's {@code url}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public URI statsUrl() {
        return URI.create("http://127.0.0.1:" + port() + STATS_PATH);
    }

    /** How many requests reached the token endpoint, good or bad. */
    public long tokenRequests() {
        return tokenRequests.get();
    }

    /**
     * Makes every token response take at least {@code delay}, as a real provider's does; benchmarks use it to
     * measure what a miss costs above the upstream, tests to widen the window in which callers pile up.
     */
    public void setResponseDelay(Duration delay) {
        this.responseDelay = delay;
    }

    /**
     * For {@code duration}, every token endpoint answers {@code status} (with {@code Retry-After: retryAfter} when
     * it is present) instead of a token; a status of 0 ends a running fault.
     */
    public void fault(int status, Duration duration, Optional<Duration> retryAfter) {
        this.fault = status == 0 ? Fault.NONE
                : new Fault(status, System.nanoTime() + duration.toNanos(), retryAfter);
    }

    /** Registers a refresh token the sandbox will accept once, as if a user had authorised the client. */
    public String issueRefreshToken() {
        String refreshToken = "sbx_rt_" + randomPart();
        liveRefreshTokens.add(refreshToken);
        return refreshToken;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!proceed(exchange)) {
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":\"invalid_request\"}");
                return;
            }
            Map<String, String> form;
            try {
                form = parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformedEncoding) {
                send(exchange, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            if (!authenticated(exchange, form)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"sandbox\"");
                send(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            String grantType = form.getOrDefault("grant_type", "");
            String refreshToken = null;
            if ("refresh_token".equals(grantType)) {
                // Rotation: each refresh token works once, as with Intuit; the answer carries its successor.
                if (!liveRefreshTokens.remove(form.getOrDefault("refresh_token", ""))) {
                    refreshRejected.incrementAndGet();
                    send(exchange, 400, "{\"error\":\"invalid_grant\"}");
                    return;
                }
                refreshToken = issueRefreshToken();
            } else if (!"client_credentials".equals(grantType)) {
                send(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
                return;
            }
            String accessToken = "sbx_at_" + issued.incrementAndGet() + "_" + randomPart();
            StringBuilder body = new StringBuilder("{\"access_token\":\"").append(accessToken)
                    .append("\",\"token_type\":\"Bearer\",\"expires_in\":").append(tokenLifetime.toSeconds());
            if (refreshToken != null) {
                body.append(",\"refresh_token\":\"").append(refreshToken).append('"');
            }
            if (form.containsKey("scope")) {
                body.append(",\"scope\":\"").append(form.get("scope").replaceAll("[^A-Za-z0-9 ._:/-]", ""))
                        .append('"');
            }
            send(exchange, 200, body.append('}').toString());
        }
    }

    private void qpayToken(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!proceed(exchange)) {
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod()) || !expected.equals(authorization)) {
                send(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            long now = System.currentTimeMillis() / 1000;
            // QPay's quirk: on this endpoint both expiries come as epoch seconds.
            send(exchange, 200, "{\"token_type\":\"bearer\",\"access_token\":\"sbx_qpay_" + issued.incrementAndGet()
                    + "_" + randomPart() + "\",\"expires_in\":" + (now + tokenLifetime.toSeconds())
                    + ",\"refresh_token\":\"" + issueRefreshToken() + "\",\"refresh_expires_in\":" + (now + 86_400)
                    + ",\"scope\":\"default\"}");
        }
    }

    private void qpayRefresh(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!proceed(exchange)) {
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!"POST".equals(exchange.getRequestMethod()) || authorization == null
                    || !authorization.startsWith("Bearer ") || !liveRefreshTokens.remove(authorization.substring(7))) {
                refreshRejected.incrementAndGet();
                send(exchange, 401, "{\"error\":\"invalid_token\"}");
                return;
            }
            // ...and here as durations.
            send(exchange, 200, "{\"token_type\":\"bearer\",\"access_token\":\"sbx_qpay_" + issued.incrementAndGet()
                    + "_" + randomPart() + "\",\"expires_in\":" + tokenLifetime.toSeconds() + ",\"refresh_token\":\""
                    + issueRefreshToken() + "\",\"refresh_expires_in\":86400}");
        }
    }

    private void authService(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!proceed(exchange)) {
                return;
            }
            String tenant = exchange.getRequestHeaders().getFirst("X-Tenant-ID");
            if (!"GET".equals(exchange.getRequestMethod()) || tenant == null || tenant.isBlank()) {
                send(exchange, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            send(exchange, 200, "{\"token\":\"sbx_internal_" + issued.incrementAndGet() + "_" + randomPart() + "\"}");
        }
    }

    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, 200, "{\"token_requests\":" + tokenRequests.get() + ",\"fault_responses\":"
                    + faultResponses.get() + ",\"refresh_rejected\":" + refreshRejected.get() + "}");
        }
    }

    private void fault(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":\"invalid_request\"}");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            OptionalLong status = number(body, "status");
            OptionalLong seconds = number(body, "seconds");
            OptionalLong retryAfter = number(body, "retry_after");
            if (status.isEmpty() || status.getAsLong() != 0 && (status.getAsLong() < 400 || status.getAsLong() > 599
                    || seconds.isEmpty())) {
                send(exchange, 400, "{\"error\":\"expected {status: 0 or 400-599, seconds, retry_after?}\"}");
                return;
            }
            fault((int) status.getAsLong(), Duration.ofSeconds(seconds.orElse(0)),
                    retryAfter.isPresent() ? Optional.of(Duration.ofSeconds(retryAfter.getAsLong())) : Optional.empty());
            send(exchange, 200, "{\"status\":" + status.getAsLong() + ",\"seconds\":" + seconds.orElse(0) + "}");
        }
    }

    private void delaySwitch(HttpExchange exchange) throws IOException {
        try (exchange) {
            OptionalLong millis = number(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    "millis");
            if (!"POST".equals(exchange.getRequestMethod()) || millis.isEmpty()) {
                send(exchange, 400, "{\"error\":\"expected POST {millis}\"}");
                return;
            }
            setResponseDelay(Duration.ofMillis(millis.getAsLong()));
            send(exchange, 200, "{\"millis\":" + millis.getAsLong() + "}");
        }
    }

    private void refreshTokens(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":\"invalid_request\"}");
                return;
            }
            send(exchange, 201, "{\"refresh_token\":\"" + issueRefreshToken() + "\"}");
        }
    }

    private boolean answeredWithFault(HttpExchange exchange) throws IOException {
        Fault current = fault;
        if (current == Fault.NONE || System.nanoTime() - current.untilNanos() >= 0) {
            return false;
        }
        faultResponses.incrementAndGet();
        current.retryAfter().ifPresent(wait ->
                exchange.getResponseHeaders().add("Retry-After", Long.toString(wait.toSeconds())));
        send(exchange, current.status(), current.status() == 429 ? "{\"error\":\"slow_down\"}"
                : "{\"error\":\"temporarily_unavailable\"}");
        return true;
    }

    /** A flat JSON object's non-negative integer member; the admin bodies are that simple. */
    private static OptionalLong number(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d{1,9})\\b").matcher(json);
        return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    private record Fault(int status, long untilNanos, Optional<Duration> retryAfter) {
        static final Fault NONE = new Fault(0, 0, Optional.empty());
    }

    /** What every token path does first: count the request, take as long as a real provider, or answer a fault. */
    private boolean proceed(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        delay();
        return !answeredWithFault(exchange);
    }

    private void delay() {
        long millis = responseDelay.toMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean authenticated(HttpExchange exchange, Map<String, String> form) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
            int colon = pair.indexOf(':');
            try {
                return colon > 0 && clientId.equals(decode(pair.substring(0, colon)))
                        && clientSecret.equals(decode(pair.substring(colon + 1)));
            } catch (IllegalArgumentException malformedEncoding) {
                return false;
            }
        }
        return clientId.equals(form.get("client_id")) && clientSecret.equals(form.get("client_secret"));
    }

    private String randomPart() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return form;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
