package io.tokenbroker.bootstrap.shutdown;

import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.bootstrap.config.ShutdownConfiguration;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a drained stop, before the context closes: readiness down ({@link Draining}), new requests still
 * served for {@code tokenbroker.shutdown.drain}, then the server stops accepting and the requests it accepted get
 * {@code in-flight} to finish. {@link SigtermDrain} runs them on SIGTERM; closing the context then does the rest
 * ({@link ShutdownSequence}).
 */
@Singleton
public final class Stopping {

    private static final Logger LOG = LoggerFactory.getLogger(Stopping.class);

    private final Draining draining;
    private final ShutdownConfiguration config;

    Stopping(Draining draining, ShutdownConfiguration config) {
        this.draining = draining;
        this.config = config;
    }

    /** @return false when a stop had already begun */
    boolean drainThenStopAccepting(EmbeddedServer server) {
        if (!draining.begin()) {
            return false;
        }
        LOG.info("stopping: readiness is down; serving new requests for {} ms more, then up to {} ms for those in "
                + "flight", config.drain().toMillis(), config.inFlight().toMillis());
        pause();
        try {
            stopAccepting(server).toCompletableFuture().get(config.inFlight().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            LOG.warn("requests still in flight after {} ms are cut off", config.inFlight().toMillis());
        } catch (ExecutionException failed) {
            LOG.warn("stopping the HTTP server gracefully failed", failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /**
     * Closes the server's listeners; completes when the requests it had accepted are answered (Micronaut's graceful
     * shutdown of its Netty server).
     */
    public CompletionStage<?> stopAccepting(EmbeddedServer server) {
        return server instanceof GracefulShutdownCapable capable ? capable.shutdownGracefully()
                : CompletableFuture.completedFuture(null);
    }

    /** The drain itself: time for load balancers to see readiness down. Nothing to wait for but the clock. */
    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(config.drain().toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
