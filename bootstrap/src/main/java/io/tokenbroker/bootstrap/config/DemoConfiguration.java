package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code tokenbroker.demo.*}: the sandbox upstream and the {@code demo/sandbox} connection for newcomers.
 *
 * @param enabled       also set by {@code TOKENBROKER_DEMO_ENABLED=true}
 * @param port          of the sandbox upstream on loopback; 0 picks a free one
 * @param tokenLifetime of the sandbox's tokens: short, so refreshes can be watched
 */
@ConfigurationProperties("tokenbroker.demo")
public record DemoConfiguration(
        @Bindable(defaultValue = "false") boolean enabled,
        @Bindable(defaultValue = "0") int port,
        @Bindable(defaultValue = "300s") Duration tokenLifetime) {
}
