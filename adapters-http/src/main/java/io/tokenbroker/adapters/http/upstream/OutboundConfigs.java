package io.tokenbroker.adapters.http.upstream;

import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * What the broker's Apache HttpClient 5 clients (token endpoints, webhook receivers) share: requests that follow no
 * redirect (the egress policy judged only the address a request names), keep no authentication state, ask for no
 * compression and upgrade no protocol; and pooled connections probed before reuse after 2 s idle (a 1 ms read: has
 * the other side closed it?) and closed after 30 s idle, below common load balancers' idle limits, so a half-open
 * connection is not reused either. Neither needs a background thread.
 */
public final class OutboundConfigs {

    private OutboundConfigs() {
    }

    /** A request that waits at most {@code timeout} for a pooled connection and for each answer. */
    public static RequestConfig request(Duration timeout) {
        Timeout wait = Timeout.of(timeout);
        return RequestConfig.custom()
                .setResponseTimeout(wait)
                .setConnectionRequestTimeout(wait)
                .setRedirectsEnabled(false)
                .setAuthenticationEnabled(false)
                .setContentCompressionEnabled(false)
                .setProtocolUpgradeEnabled(false)
                .build();
    }

    /** Pooled connections opened within {@code connectTimeout}. */
    public static ConnectionConfig connections(Duration connectTimeout) {
        return ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .setIdleTimeout(Timeout.ofSeconds(30))
                .build();
    }
}
