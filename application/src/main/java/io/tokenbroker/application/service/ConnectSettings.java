package io.tokenbroker.application.service;

import io.tokenbroker.domain.connect.ReturnUrls;
import java.net.URI;
import java.util.Objects;

/**
 * @param callback   the broker's public callback URL, registered at each provider as the redirect URI
 * @param returnUrls where a browser may be sent back to when an attempt ends
 */
public record ConnectSettings(URI callback, ReturnUrls returnUrls) {

    public ConnectSettings {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(returnUrls, "returnUrls");
        if (!callback.isAbsolute() || callback.getHost() == null) {
            throw new IllegalArgumentException("the callback URL must be absolute");
        }
    }
}
