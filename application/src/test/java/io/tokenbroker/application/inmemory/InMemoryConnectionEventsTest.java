package io.tokenbroker.application.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenbroker.application.contract.ConnectionEventsContract;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryConnectionEventsTest extends ConnectionEventsContract {

    @Override
    protected ConnectionEvents newEvents() {
        return new InMemoryConnectionEvents(100);
    }

    @Test
    void theBufferIsBounded() {
        InMemoryConnectionEvents small = new InMemoryConnectionEvents(2);
        for (int i = 0; i < 5; i++) {
            small.publish(new ConnectionEvent(ConnectionKey.of("acme", "c" + i), ConnectionEvent.Type.REAUTHORIZED,
                    Instant.EPOCH, "saved"));
        }

        assertEquals(2, small.recent(10).size());
        assertEquals(ConnectionKey.of("acme", "c4"), small.recent(1).get(0).key());
    }
}
