package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import io.tokenbroker.adapters.http.proxy.ProxySettings;
import java.time.Duration;
import java.util.List;

/**
 * {@code tokenbroker.proxy.*}: the authenticated proxy ({@code /v1/proxy/...}).
 *
 * @param allowInsecureLoopback  let an {@code http} {@code api_base_url} on a loopback host be called
 * @param maxBufferedBody        bodies up to this size are held for the retry after a 401
 * @param maxBody                larger bodies stream, up to this size (also the server's {@code max-request-size})
 * @param connectTimeout         to open a connection to the API
 * @param readTimeout            for the API's answer to start, and between its parts
 * @param brokerHosts            public names of the broker a {@code Host} header may carry (beyond loopback and the
 *                               address a request arrived on)
 */
@ConfigurationProperties("tokenbroker.proxy")
public record ProxyConfiguration(
        @Bindable(defaultValue = "false") boolean allowInsecureLoopback,
        @ReadableBytes @Bindable(defaultValue = "1MB") long maxBufferedBody,
        @ReadableBytes @Bindable(defaultValue = "50MB") long maxBody,
        @Bindable(defaultValue = "5s") Duration connectTimeout,
        @Bindable(defaultValue = "60s") Duration readTimeout,
        @Bindable(defaultValue = "") List<String> brokerHosts) {

    public ProxySettings settings() {
        return new ProxySettings(allowInsecureLoopback, maxBufferedBody, maxBody,
                brokerHosts == null ? List.of() : brokerHosts.stream().filter(host -> !host.isBlank()).toList());
    }
}
