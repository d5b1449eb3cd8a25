package io.tokenbroker.adapters.http.webhook;

import io.tokenbroker.adapters.http.upstream.EgressDnsResolver;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.SavedBy;
import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.application.contract.ConnectionEventsContract;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.testing.RecordingScheduler;
import io.tokenbroker.domain.resilience.Backoff;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The connection-events contract for webhooks, delivering every event to a real local receiver meanwhile. */
class WebhookConnectionEventsContractTest extends ConnectionEventsContract {

    private static final String SECRET = "contract-webhook-secret-of-at-least-32-chars";

    private final WebhookReceiver receiver = new WebhookReceiver(Map.of("/events", SECRET));
    private final RecordingScheduler scheduler = new RecordingScheduler(1, "webhook-contract-test");
    private WebhookConnectionEvents events;

    @Override
    protected ConnectionEvents newEvents() {
        WebhookTargets targets = new WebhookTargets(Map.of(), Optional.of(Target.of(receiver.url("/events"), SECRET)));
        Duration timeout = Duration.ofSeconds(30);
        WebhookConnectionEvents.Settings settings = new WebhookConnectionEvents.Settings(
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), new SecureRandom()), 3, timeout, 100, 1,
                timeout);
        events = new WebhookConnectionEvents(new InMemoryConnectionEvents(10), targets, JsonMapper.createDefault(),
                // The receiver listens on a loopback literal, which the JDK reads without a lookup.
                new EgressDnsResolver(EgressGuard.system(EgressPolicy.defaults()), SavedBy.OPERATOR),
                Clock.systemUTC(), new SecureRandom(), settings, scheduler);
        return events;
    }

    @AfterEach
    void stop() throws Exception {
        events.close();
        receiver.close();
        scheduler.shutdownNow();
    }
}
