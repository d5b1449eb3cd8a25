package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.BrokerUnavailableException;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import java.util.function.Supplier;

/**
 * The one translation of a store outage for callers: an out-port's {@link StoreUnavailableException} becomes the
 * in-port family's {@link BrokerUnavailableException}, so an adapter's exception never reaches a caller and an outage
 * is not reported as an internal error. Every other failure passes unchanged.
 */
final class StoreOutages {

    private StoreOutages() {
    }

    static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (StoreUnavailableException down) {
            throw new BrokerUnavailableException(down);
        }
    }

    static void translated(Runnable call) {
        translated(() -> {
            call.run();
            return null;
        });
    }
}
