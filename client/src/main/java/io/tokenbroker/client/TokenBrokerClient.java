package io.tokenbroker.client;

import java.net.URI;
import java.time.Duration;

/**
 * What a calling service needs from tokenbroker: a valid token for one of its tenant's connections, and a way to
 * say that the API refused one. {@link #builder(String, String)} builds the HTTP client; {@link #fake()} gives an
 * in-memory one for the caller's own tests. Implementations are safe for concurrent use.
 */
public interface TokenBrokerClient {

    /** A valid token for the connection. Same as {@code token(tenant, connection, Duration.ZERO)}. */
    default Token token(String tenant, String connection) {
        return token(tenant, connection, Duration.ZERO);
    }

    /**
     * A token valid for at least {@code minValidFor} (sent as {@code min_valid_for}; a broker that does not know the
     * parameter ignores it and answers as usual).
     *
     * @throws TokenBrokerException one of its subclasses, from the broker's problem+json answer
     */
    Token token(String tenant, String connection, Duration minValidFor);

    /**
     * Tells the broker that the API refused {@code rejectedToken} (a 401). The broker drops it only if it is still
     * the token it holds, so a late or repeated call cannot evict a newer token; the next {@link #token} call gets a
     * fresh one.
     *
     * @throws TokenBrokerException one of its subclasses, from the broker's problem+json answer
     */
    void invalidate(String tenant, String connection, String rejectedToken);

    /**
     * @param baseUrl where the broker answers, e.g. {@code https://tokenbroker.internal:8080}
     * @param apiKey  an API key with the {@code token:read} scope, sent as {@code X-API-Key}
     */
    static TokenBrokerClientBuilder builder(String baseUrl, String apiKey) {
        return builder(URI.create(baseUrl), apiKey);
    }

    static TokenBrokerClientBuilder builder(URI baseUrl, String apiKey) {
        return new TokenBrokerClientBuilder(baseUrl, apiKey);
    }

    /** An in-memory broker for tests of calling services: scriptable tokens, revocations, outages, counters. */
    static FakeTokenBroker fake() {
        return new FakeTokenBroker();
    }
}
