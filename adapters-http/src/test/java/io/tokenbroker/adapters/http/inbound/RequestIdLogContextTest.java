package io.tokenbroker.adapters.http.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micronaut.core.propagation.PropagatedContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class RequestIdLogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void theRequestIdIsInTheLogContextWhileThePropagatedContextIsCurrentAndGoneAfter() {
        MDC.put("other", "kept");
        try (PropagatedContext.Scope ignored = PropagatedContext.getOrEmpty()
                .plus(new RequestIdLogContext("req-1")).propagate()) {
            assertEquals("req-1", MDC.get("requestId"));
            assertEquals("kept", MDC.get("other"));
        }
        assertNull(MDC.get("requestId"));
        assertEquals("kept", MDC.get("other"));
    }

    @Test
    void anOuterRequestIdIsPutBackWhenTheInnerContextEnds() {
        try (PropagatedContext.Scope outer = PropagatedContext.getOrEmpty()
                .plus(new RequestIdLogContext("outer")).propagate()) {
            try (PropagatedContext.Scope inner = PropagatedContext.getOrEmpty()
                    .plus(new RequestIdLogContext("inner")).propagate()) {
                assertEquals("inner", MDC.get("requestId"));
            }
            assertEquals("outer", MDC.get("requestId"));
        }
        assertNull(MDC.get("requestId"));
    }
}
