package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.domain.connect.ReturnUrls;
import io.tokenbroker.domain.connection.ReconnectWarning;
import java.time.Duration;
import java.util.List;

/**
 * {@code tokenbroker.connect.*}: the connect flow (docs/providers.md, "Connect flow").
 *
 * @param allowedReturnUrls origins plus path prefixes a connect link may send the browser back to; none by default,
 *                          so a link without {@code return_url} ends on the broker's own page
 * @param reconnectWarning  how long before a refresh token's provider-stated expiry that keep-alive cannot extend
 *                          the {@code refresh_token_expiring} event goes out; 0 turns it off
 */
@ConfigurationProperties("tokenbroker.connect")
public record ConnectConfiguration(@Bindable(defaultValue = "") List<String> allowedReturnUrls,
                                   @Bindable(defaultValue = "14d") Duration reconnectWarning) {

    public ReconnectWarning warning() {
        return reconnectWarning == null ? new ReconnectWarning(ReconnectWarning.DEFAULT_WINDOW)
                : new ReconnectWarning(reconnectWarning);
    }

    /** @throws IllegalArgumentException naming an entry that is not an absolute http(s) URL: the start stops */
    public ReturnUrls returnUrls() {
        return allowedReturnUrls == null ? ReturnUrls.none()
                : ReturnUrls.of(allowedReturnUrls.stream().filter(entry -> !entry.isBlank()).toList());
    }
}
