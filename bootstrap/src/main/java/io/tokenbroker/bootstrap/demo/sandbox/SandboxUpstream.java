package io.tokenbroker.bootstrap.demo.sandbox;

import io.micronaut.json.JsonMapper;
import io.micronaut.serde.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

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
 * ({@code invalid_grant}): a rotated refresh token a client lost shows up there, and {@code GET /refresh-tokens}
 * tells when each token was issued, first redeemed and refused. {@code POST /hold {"held":true}} parks new token
 * requests (answered 503 on {@code {"held":false}}) and reports how many are in flight;
 * {@code POST /reuse-grace {"seconds":15}} accepts a redeemed refresh token again for that long, as Okta's grace
 * period and Auth0's reuse interval do.
 *
 * <p>It runs on Netty (already on the class path for the broker's own server), which sends small answers without
 * Nagle's delay; the JDK's server needs a JVM-wide system property for that.
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
    /** The auto-consenting authorize endpoint of the connect flow (PKCE S256 checked at the token endpoint). */
    public static final String AUTHORIZE_PATH = "/oauth/authorize";
    /** Admin: mint a live refresh token (POST), or read what became of each one issued (GET). */
    public static final String REFRESH_TOKENS_PATH = "/refresh-tokens";
    /** Admin: hold new token requests (parked, answered 503 on release) and read what is in flight. */
    public static final String HOLD_PATH = "/hold";
    /** Admin: how long a redeemed refresh token is accepted again. */
    public static final String REUSE_GRACE_PATH = "/reuse-grace";

    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final SandboxState state = new SandboxState(Clock.systemUTC());
    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SandboxUpstream(int port, String clientId, String clientSecret, Duration tokenLifetime, JsonMapper json)
            throws IOException {
        SandboxHandler handler = handler(clientId, clientSecret, tokenLifetime, json);
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("sandbox-upstream", true),
                NioIoHandler.newFactory());
        try {
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel socket) {
                            socket.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                    new HttpObjectAggregator(MAX_BODY_BYTES), handler);
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
        } catch (InterruptedException | RuntimeException cannotListen) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            if (cannotListen instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the sandbox upstream could not listen on port " + port, cannotListen);
        }
    }

    /**
     * Starts on {@code port} (0 picks a free one) for one client.
     *
     * @param tokenLifetime the {@code expires_in} of every token it issues
     */
    public static SandboxUpstream start(int port, String clientId, String clientSecret, Duration tokenLifetime)
            throws IOException {
        return start(port, clientId, clientSecret, tokenLifetime, ObjectMapper.getDefault());
    }

    /** As {@link #start(int, String, String, Duration)}, writing JSON with the application's mapper. */
    public static SandboxUpstream start(int port, String clientId, String clientSecret, Duration tokenLifetime,
                                        JsonMapper json) throws IOException {
        return new SandboxUpstream(port, clientId, clientSecret, tokenLifetime, json);
    }

    private SandboxHandler handler(String clientId, String clientSecret, Duration tokenLifetime, JsonMapper json) {
        OAuth2Endpoint oauth2 = new OAuth2Endpoint(state, clientId, clientSecret, tokenLifetime);
        QPayEndpoints qpay = new QPayEndpoints(state, clientId, clientSecret, tokenLifetime, Clock.systemUTC());
        AuthServiceEndpoint authService = new AuthServiceEndpoint(state, clientId, clientSecret);
        AdminEndpoints admin = new AdminEndpoints(state, json);
        ConsentEndpoint consent = new ConsentEndpoint(state, clientId);
        Map<String, Function<Request, Response>> tokenPaths = Map.of(TOKEN_PATH, oauth2::token,
                QPAY_TOKEN_PATH, qpay::token, QPAY_REFRESH_PATH, qpay::refresh, AUTH_SERVICE_PATH, authService::token);
        Map<String, Function<Request, Response>> adminPaths = Map.of(STATS_PATH, admin::stats,
                FAULT_PATH, admin::fault, DELAY_PATH, admin::delay, REFRESH_TOKENS_PATH, admin::refreshTokens,
                HOLD_PATH, admin::hold, REUSE_GRACE_PATH, admin::reuseGrace, AUTHORIZE_PATH, consent::authorize);
        return new SandboxHandler(tokenPaths, adminPaths, state, json);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public URI tokenUrl() {
        return URI.create(baseUrl() + TOKEN_PATH);
    }

    /** The base URL, for QPay's {@code base_url} and the auth service's {@code url}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public URI authorizeUrl() {
        return baseUrl().resolve(AUTHORIZE_PATH);
    }

    public URI statsUrl() {
        return URI.create(baseUrl() + STATS_PATH);
    }

    /** How many requests reached the token endpoints, good or bad. */
    public long tokenRequests() {
        return state.tokenRequests();
    }

    /**
     * Makes every token response take at least {@code delay}, as a real provider's does; benchmarks use it to
     * measure what a miss costs above the upstream, tests to widen the window in which callers pile up.
     */
    public void setResponseDelay(Duration delay) {
        state.setResponseDelay(delay);
    }

    /**
     * For {@code duration}, every token endpoint answers {@code status} (with {@code Retry-After: retryAfter} when
     * it is present) instead of a token; a status of 0 ends a running fault.
     */
    public void fault(int status, Duration duration, Optional<Duration> retryAfter) {
        state.fault(status, duration, retryAfter);
    }

    /** Accepts a redeemed refresh token again for {@code grace} after its first redemption (0: once only). */
    public void setReuseGrace(Duration grace) {
        state.refreshTokens().reuseGrace(grace);
    }

    /** Registers a refresh token the sandbox will accept once, as if a user had authorised the client. */
    public String issueRefreshToken() {
        return state.issueRefreshToken();
    }

    /** Idempotent: a test that stops the upstream to make it unreachable is closed again after it. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
