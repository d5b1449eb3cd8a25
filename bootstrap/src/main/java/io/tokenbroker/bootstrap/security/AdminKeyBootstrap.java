package io.tokenbroker.bootstrap.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.scheduling.annotation.Scheduled;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.application.service.ApiKeyService;
import jakarta.inject.Singleton;
import java.io.PrintStream;
import java.util.Optional;

/**
 * First start: {@code TOKENBROKER_BOOTSTRAP_ADMIN_KEY} (property {@code tokenbroker.bootstrap-admin-key}) becomes the
 * admin key; without it, and without an active admin key in the store, one is generated and printed once to the
 * console, never to the log. Also flushes keys' last-used instants, off the request path.
 */
@Singleton
public class AdminKeyBootstrap implements ApplicationEventListener<StartupEvent> {

    private final ApiKeyService apiKeys;
    private final Optional<String> configured;
    private volatile Optional<String> generated = Optional.empty();

    public AdminKeyBootstrap(ApiKeyService apiKeys,
                             @Value("${tokenbroker.bootstrap-admin-key:}") String configured) {
        this.apiKeys = apiKeys;
        this.configured = Optional.ofNullable(configured).filter(key -> !key.isBlank());
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        Optional<ManageApiKeys.Issued> issued = apiKeys.ensureAdminKey(configured);
        issued.ifPresent(key -> {
            generated = Optional.of(key.plaintext());
            PrintStream console = System.out;
            console.println();
            console.println("Generated admin API key (shown once; set TOKENBROKER_BOOTSTRAP_ADMIN_KEY to choose your own):");
            console.println("  " + key.plaintext());
            console.println();
        });
    }

    /** The admin key generated at this start, if one was; for the demo's ready-to-paste requests. */
    public Optional<String> generatedAdminKey() {
        return generated;
    }

    public boolean adminKeyConfigured() {
        return configured.isPresent();
    }

    @Scheduled(fixedDelay = "${tokenbroker.security.usage-flush-interval:10s}")
    void flushUsage() {
        apiKeys.flushUsage();
    }
}
