package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionEvent;
import java.util.List;

/** Where connection events go (log, webhook, stream). Publishing never fails the operation that caused it. */
public interface ConnectionEvents {

    void publish(ConnectionEvent event);

    /** The newest events, newest first, at most {@code limit} (at least 1). */
    List<ConnectionEvent> recent(int limit);
}
