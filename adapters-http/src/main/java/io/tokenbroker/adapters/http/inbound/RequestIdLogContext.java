package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import org.slf4j.MDC;

/**
 * Carries the request id into the log context (MDC key {@code requestId}) wherever the request's propagated context
 * is current. Micronaut's {@code MdcPropagationContext} would do the same by copying the whole MDC map in and out on
 * every propagation, and a request's context is propagated many times (each step of the security filter's reactive
 * chain, each continuation): profiled, those copies were a tenth of a cached token's CPU. Only this one key is ours
 * (the trace ids are added by the logging appender, not through the MDC), so one put and one restore suffice.
 */
record RequestIdLogContext(String requestId) implements ThreadPropagatedContextElement<String> {

    static final String MDC_KEY = "requestId";

    /** @return the id this thread carried before, to put back; null when it carried none */
    @Override
    @Nullable
    public String updateThreadContext() {
        String before = MDC.get(MDC_KEY);
        if (!requestId.equals(before)) {
            MDC.put(MDC_KEY, requestId);
        }
        return before;
    }

    @Override
    public void restoreThreadContext(@Nullable String before) {
        if (before == null) {
            MDC.remove(MDC_KEY);
        } else if (!before.equals(requestId)) {
            MDC.put(MDC_KEY, before);
        }
    }
}
