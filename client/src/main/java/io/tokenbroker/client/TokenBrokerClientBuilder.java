package io.tokenbroker.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Options of the HTTP {@link TokenBrokerClient}; {@link TokenBrokerClient#builder(String, String)} starts one. */
public final class TokenBrokerClientBuilder {

    /** Default margin of the cache: a token this close to its expiry is fetched again. */
    public static final Duration DEFAULT_CACHE_MARGIN = Duration.ofSeconds(30);

    private final URI baseUrl;
    private final String apiKey;
    private HttpClient http;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration cacheMargin;
    private Clock clock = Clock.systemUTC();

    TokenBrokerClientBuilder(URI baseUrl, String apiKey) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("the base URL must be http or https: " + baseUrl);
        }
    }

    /** The JDK client to send with (its executor, proxy, TLS settings); by default a new one. */
    public TokenBrokerClientBuilder httpClient(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
        return this;
    }

    /** How long one call to the broker may take, the wait for an upstream refresh included. */
    public TokenBrokerClientBuilder requestTimeout(Duration requestTimeout) {
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        return this;
    }

    /** Keeps tokens in this process until {@link #DEFAULT_CACHE_MARGIN} before their expiry. */
    public TokenBrokerClientBuilder cache() {
        return cache(DEFAULT_CACHE_MARGIN);
    }

    /**
     * Keeps tokens in this process until {@code margin} before their expiry, so most calls never leave it;
     * concurrent calls for one connection share one request to the broker.
     */
    public TokenBrokerClientBuilder cache(Duration margin) {
        if (margin.isNegative()) {
            throw new IllegalArgumentException("the cache margin must not be negative");
        }
        this.cacheMargin = margin;
        return this;
    }

    /** The clock the cache reads expiries against (and {@code Retry-After} dates); tests pass a movable one. */
    public TokenBrokerClientBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    public TokenBrokerClient build() {
        HttpClient client = http != null ? http : HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        TokenBrokerClient remote = new HttpTokenBrokerClient(client, baseUrl, apiKey, requestTimeout, clock);
        return cacheMargin == null ? remote : new CachingTokenBrokerClient(remote, cacheMargin, clock);
    }
}
