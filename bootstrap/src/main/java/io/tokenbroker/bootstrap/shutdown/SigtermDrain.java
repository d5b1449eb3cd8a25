package io.tokenbroker.bootstrap.shutdown;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM drains before the instance stops. The JVM's own handling would run Micronaut's shutdown hook at once, and
 * that closes the HTTP server's connections first thing (Netty closes every channel when its event loops begin to
 * shut down), so a load balancer still routing here would meet a closed port. Instead {@link Stopping} drains and
 * lets accepted requests finish, and only then does the JVM exit (status 143, as after SIGTERM), which runs the
 * shutdown hook and so {@link ShutdownSequence}. A second SIGTERM exits at once.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's only way to handle a signal; it is how
 * servers on the JVM do this. Off with {@code tokenbroker.shutdown.signal-handler=false} (the test profile: one JVM
 * holds many contexts, and a handler would outlive the one that installed it).
 */
@Singleton
@Requires(property = "tokenbroker.shutdown.signal-handler", notEquals = "false")
final class SigtermDrain implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(SigtermDrain.class);
    /** What the JVM exits with after a SIGTERM it handles itself (128 + 15). */
    private static final int TERMINATED = 143;

    private final Stopping stopping;

    SigtermDrain(Stopping stopping) {
        this.stopping = stopping;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        EmbeddedServer server = event.getSource();
        try {
            Signal.handle(new Signal("TERM"), signal -> new Thread(() -> {
                stopping.drainThenStopAccepting(server);
                System.exit(TERMINATED);
            }, "tokenbroker-shutdown").start());
        } catch (IllegalArgumentException reserved) {
            // The JVM keeps the signal to itself (e.g. -Xrs): it then stops at once, without the drain.
            LOG.warn("SIGTERM cannot be handled here ({}): stopping will not drain", reserved.getMessage());
        }
    }
}
