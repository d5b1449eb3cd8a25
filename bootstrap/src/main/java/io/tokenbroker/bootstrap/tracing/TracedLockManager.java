package io.tokenbroker.bootstrap.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code lease wait}: how long a caller waited for a connection's lease, whether it got it, and its fence; a wait
 * that ended because another instance's holder stored the token is marked {@code tokenbroker.lease.unneeded}.
 */
final class TracedLockManager implements LockManager {

    static final AttributeKey<Boolean> ACQUIRED = AttributeKey.booleanKey("tokenbroker.lease.acquired");
    static final AttributeKey<Long> FENCE = AttributeKey.longKey("tokenbroker.lease.fence");
    static final AttributeKey<Boolean> UNNEEDED = AttributeKey.booleanKey("tokenbroker.lease.unneeded");

    private final LockManager locks;
    private final TracedPorts spans;
    private final String adapter;

    TracedLockManager(LockManager locks, TracedPorts spans, String adapter) {
        this.locks = locks;
        this.spans = spans;
        this.adapter = adapter;
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        Span span = spans.start("lease wait", SpanKind.INTERNAL, key, adapter);
        return TracedPorts.within(span, () -> {
            Optional<Lease> lease = locks.acquire(key, ttl, maxWait);
            span.setAttribute(ACQUIRED, lease.isPresent());
            lease.ifPresent(held -> span.setAttribute(FENCE, held.fence()));
            return lease;
        });
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait, BooleanSupplier doneElsewhere) {
        Span span = spans.start("lease wait", SpanKind.INTERNAL, key, adapter);
        return TracedPorts.within(span, () -> {
            Optional<Lease> lease = locks.acquire(key, ttl, maxWait, () -> {
                boolean done = doneElsewhere.getAsBoolean();
                span.setAttribute(UNNEEDED, done);
                return done;
            });
            span.setAttribute(ACQUIRED, lease.isPresent());
            lease.ifPresent(held -> span.setAttribute(FENCE, held.fence()));
            return lease;
        });
    }

    @Override
    public Optional<Lease> acquireUnlessDone(ConnectionKey key, Duration ttl, Duration maxWait,
                                             Supplier<CompletionStage<Boolean>> doneElsewhere) {
        Span span = spans.start("lease wait", SpanKind.INTERNAL, key, adapter);
        return TracedPorts.within(span, () -> {
            Optional<Lease> lease = locks.acquireUnlessDone(key, ttl, maxWait, () -> doneElsewhere.get()
                    .thenApply(done -> {
                        span.setAttribute(UNNEEDED, done);
                        return done;
                    }));
            span.setAttribute(ACQUIRED, lease.isPresent());
            lease.ifPresent(held -> span.setAttribute(FENCE, held.fence()));
            return lease;
        });
    }
}
