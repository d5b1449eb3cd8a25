package io.tokenbroker.bootstrap.demo;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.bootstrap.config.DemoConfiguration;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.bootstrap.security.AdminKeyBootstrap;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode: starts the sandbox upstream in-process, registers {@code demo/sandbox} (client credentials) and
 * {@code demo/consent} (a user's consent through a connect link) against it and prints the requests a newcomer can
 * paste.
 */
@Singleton
@Requires(property = "tokenbroker.demo.enabled", value = "true")
public class DemoSandbox implements ApplicationEventListener<ServerStartupEvent> {

    /** The demo connection's key. */
    public static final ConnectionKey KEY = ConnectionKey.of("demo", "sandbox");
    /** The demo connection a user consents to through a connect link. */
    public static final ConnectionKey CONSENT_KEY = ConnectionKey.of("demo", "consent");
    private static final Logger LOG = LoggerFactory.getLogger(DemoSandbox.class);
    private static final String CLIENT_ID = "demo-client";

    private final DemoConfiguration configuration;
    private final SaveConnection saveConnection;
    private final AdminKeyBootstrap adminKey;
    private final JsonMapper json;
    private volatile SandboxUpstream sandbox;

    public DemoSandbox(DemoConfiguration configuration, SaveConnection saveConnection, AdminKeyBootstrap adminKey,
                       JsonMapper json) {
        this.configuration = configuration;
        this.saveConnection = saveConnection;
        this.adminKey = adminKey;
        this.json = json;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        // A fresh secret per run: the sandbox listens on loopback only, but a fixed secret would invite copying.
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String secret = "demo-" + HexFormat.of().formatHex(random);
        try {
            sandbox = SandboxUpstream.start(configuration.port(), CLIENT_ID, secret, configuration.tokenLifetime(),
                    json);
        } catch (IOException cannotListen) {
            throw new UncheckedIOException("could not start the sandbox upstream", cannotListen);
        }
        saveConnection.save(new SaveConnection.Command(new Connection(KEY, ProviderType.OAUTH2, sandbox.tokenUrl(),
                Optional.of(CLIENT_ID), Optional.of(Secret.of(secret)), List.of("demo.read"),
                ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(), Map.of())));
        // A user's consent at the sandbox, which consents at once (connect flow, docs/providers.md).
        saveConnection.save(new SaveConnection.Command(new Connection(CONSENT_KEY, ProviderType.OAUTH2,
                sandbox.tokenUrl(), Optional.of(CLIENT_ID), Optional.of(Secret.of(secret)), List.of("demo.read"),
                ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(),
                Map.of("grant", "authorization_code", "authorization_url", sandbox.authorizeUrl().toString()))));
        String base = event.getSource().getURL().toString().replaceAll("/$", "");
        // The generated key goes to the console only, like the admin key banner: never into the log.
        String key = adminKey.generatedAdminKey().orElse("$TOKENBROKER_BOOTSTRAP_ADMIN_KEY");
        LOG.info("Demo mode: sandbox upstream on {}, connection {} registered against it.", sandbox.tokenUrl(), KEY);
        System.out.println("""

                Get a token (twice: the second comes from the cache):
                  curl -s -H "X-API-Key: %s" %s/v1/tenants/demo/connections/sandbox/token
                See how many token requests reached the sandbox:
                  curl -s %s
                Connect a user (the sandbox consents at once): create a link, open its connect_url in a browser
                (or curl -L -c /tmp/tb.jar -b /tmp/tb.jar '<connect_url>'), then ask demo/consent for a token:
                  curl -s -X POST -H "X-API-Key: %s" -H 'Content-Type: application/json' -d '{}' \
                    %s/v1/tenants/demo/connections/consent/connect
                """.formatted(key, base, sandbox.statsUrl(), key, base));
    }

    /** The running sandbox, for tests; empty before the server has started. */
    public Optional<SandboxUpstream> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    @PreDestroy
    void stop() {
        SandboxUpstream running = sandbox;
        if (running != null) {
            running.close();
        }
    }
}
