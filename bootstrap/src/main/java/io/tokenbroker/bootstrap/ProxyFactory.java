package io.tokenbroker.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.ProxyHttpClient;
import io.tokenbroker.adapters.http.proxy.ProxyFlow;
import io.tokenbroker.adapters.http.proxy.UpstreamForwarding;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.in.ReplaceRejectedToken;
import io.tokenbroker.application.service.ReplaceRejectedTokenService;
import io.tokenbroker.bootstrap.config.ProxyConfiguration;
import io.tokenbroker.bootstrap.config.ResilienceConfiguration;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The authenticated proxy (issue 15): the bounded 401 replacement in the core, and Micronaut's proxy client for the
 * forwarding, configured never to follow a redirect (a 3xx may name any host; it is the caller's to see).
 */
@Factory
public class ProxyFactory {

    /** Bounded by the same minimum interval that spaces every refresh of a connection. */
    @Singleton
    ReplaceRejectedToken replaceRejectedToken(InvalidateToken invalidateToken, GetAccessToken getAccessToken,
                                              Clock clock, ResilienceConfiguration resilience) {
        return new ReplaceRejectedTokenService(invalidateToken, getAccessToken, clock, resilience.minInterval());
    }

    @Singleton
    @Bean(preDestroy = "close")
    UpstreamForwarding upstreamForwarding(ProxyConfiguration proxy, MeterRegistry registry) {
        DefaultHttpClientConfiguration client = new DefaultHttpClientConfiguration();
        client.setFollowRedirects(false);
        client.setConnectTimeout(proxy.connectTimeout());
        client.setReadTimeout(proxy.readTimeout());
        client.setReadIdleTimeout(proxy.readTimeout());
        return new UpstreamForwarding(ProxyHttpClient.create(null, client), registry);
    }

    @Singleton
    ProxyFlow proxyFlow(GetAccessToken getAccessToken, ReplaceRejectedToken replaceRejectedToken,
                        FindConnection findConnection, EgressGuard egress, UpstreamForwarding forwarding,
                        ProxyConfiguration proxy) {
        return new ProxyFlow(getAccessToken, replaceRejectedToken, findConnection, egress, forwarding,
                proxy.settings());
    }
}
