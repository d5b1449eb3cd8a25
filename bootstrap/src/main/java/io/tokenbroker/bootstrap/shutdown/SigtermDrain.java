package io.tokenbroker.bootstrap.shutdown;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.tokenbroker.bootstrap.config.ShutdownConfiguration;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM drains before the instance stops. The JVM's own handling would run Micronaut's shutdown hook at once, and
 * that closes the HTTP server's connections first thing (Netty closes every channel when its event loops begin to
 * shut down), so a load balancer still routing here would meet a closed port. Instead: readiness goes down at once
 * ({@link Draining}), new requests are still served for {@code tokenbroker.shutdown.drain}, then the server stops
 * accepting and the requests it accepted get {@code in-flight} to finish, and only then does the JVM exit (status 143,
 * as after SIGTERM), which runs the shutdown hook and so {@link ShutdownSequence}. A second SIGTERM exits at once.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's only way to handle a signal; it is how
 * servers on the JVM do this. Off with {@code tokenbroker.shutdown.signal-handler=false} (the test profile).
 */
@Singleton
@Requires(property = "tokenbroker.shutdown.signal-handler", notEquals = "false")
final class SigtermDrain implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(SigtermDrain.class);
    /** What the JVM exits with after a SIGTERM it handles itself (128 + 15). */
    private static final int TERMINATED = 143;

    private final Draining draining;
    private final ShutdownConfiguration config;

    SigtermDrain(Draining draining, ShutdownConfiguration config) {
        this.draining = draining;
        this.config = config;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        EmbeddedServer server = event.getSource();
        try {
            Signal.handle(new Signal("TERM"), signal -> new Thread(() -> drainThenExit(server), "tokenbroker-shutdown")
                    .start());
        } catch (IllegalArgumentException reserved) {
            // The JVM keeps the signal to itself (e.g. -Xrs): it then stops at once, without the drain.
            LOG.warn("SIGTERM cannot be handled here ({}): stopping will not drain", reserved.getMessage());
        }
    }

    private void drainThenExit(EmbeddedServer server) {
        if (draining.begin()) {
            LOG.info("SIGTERM: readiness is down; serving new requests for {} ms more, then up to {} ms for those "
                    + "in flight", config.drain().toMillis(), config.inFlight().toMillis());
            pause();
            finishInFlight(server);
        }
        System.exit(TERMINATED);
    }

    /** The drain itself: time for load balancers to see readiness down. Nothing to wait for but the clock. */
    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(config.drain().toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void finishInFlight(EmbeddedServer server) {
        if (!(server instanceof GracefulShutdownCapable capable)) {
            return;
        }
        try {
            capable.shutdownGracefully().toCompletableFuture().get(config.inFlight().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            LOG.warn("requests still in flight after {} ms are cut off", config.inFlight().toMillis());
        } catch (ExecutionException failed) {
            LOG.warn("stopping the HTTP server gracefully failed", failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
