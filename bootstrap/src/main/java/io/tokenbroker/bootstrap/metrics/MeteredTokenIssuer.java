package io.tokenbroker.bootstrap.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.token.TokenGrant;

/**
 * Counts upstream calls by provider type and HTTP status and times them as a histogram. Labels are the provider type
 * and the status only: a tenant or connection label would make one series per customer.
 */
public final class MeteredTokenIssuer implements TokenIssuer {

    static final String CALLS = "tokenbroker.upstream.calls";
    static final String DURATION = "tokenbroker.refresh.duration";

    private final TokenIssuer issuer;
    private final MeterRegistry registry;

    public MeteredTokenIssuer(TokenIssuer issuer, MeterRegistry registry) {
        this.issuer = issuer;
        this.registry = registry;
    }

    @Override
    public TokenGrant issue(Connection connection) {
        String provider = connection.provider().wireName();
        Timer.Sample sample = Timer.start(registry);
        try {
            TokenGrant grant = issuer.issue(connection);
            finish(sample, provider, "200", "success");
            return grant;
        } catch (UpstreamException failure) {
            String status = failure.status().isPresent() ? Integer.toString(failure.status().getAsInt()) : "none";
            finish(sample, provider, status, failure.retryable() ? "unavailable" : "rejected");
            throw failure;
        }
    }

    private void finish(Timer.Sample sample, String provider, String status, String outcome) {
        sample.stop(Timer.builder(DURATION).description("Time of one call to a token endpoint")
                .tag("provider", provider).tag("outcome", outcome)
                .publishPercentileHistogram().register(registry));
        Counter.builder(CALLS).description("Calls to token endpoints")
                .tag("provider", provider).tag("status", status).tag("outcome", outcome)
                .register(registry).increment();
    }
}
