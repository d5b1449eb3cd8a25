package io.tokenbroker.bootstrap.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code token store read} ({@code tokenbroker.cache.hit}, and {@code tokenbroker.cache.source}: near_cache or store)
 * and {@code token store put} ({@code tokenbroker.store.accepted}: false when a newer fence had written). With Redis
 * these are the calls a request makes to it; a near-cache hit shows as a read without a round trip.
 */
final class TracedTokenStore implements TokenStore {

    static final AttributeKey<Boolean> HIT = AttributeKey.booleanKey("tokenbroker.cache.hit");
    static final AttributeKey<String> SOURCE = AttributeKey.stringKey("tokenbroker.cache.source");
    static final AttributeKey<Boolean> ACCEPTED = AttributeKey.booleanKey("tokenbroker.store.accepted");

    private final TokenStore tokens;
    private final TracedPorts spans;
    private final String adapter;

    TracedTokenStore(TokenStore tokens, TracedPorts spans, String adapter) {
        this.tokens = tokens;
        this.spans = spans;
        this.adapter = adapter;
    }

    @Override
    public Optional<AccessToken> find(ConnectionKey key) {
        Span span = spans.start("token store read", SpanKind.CLIENT, key, adapter);
        return TracedPorts.within(span, () -> {
            Optional<AccessToken> found = tokens.find(key);
            span.setAttribute(HIT, found.isPresent());
            return found;
        });
    }

    @Override
    public Optional<Found> lookup(ConnectionKey key) {
        Span span = spans.start("token store read", SpanKind.CLIENT, key, adapter);
        return TracedPorts.within(span, () -> {
            Optional<Found> found = tokens.lookup(key);
            span.setAttribute(HIT, found.isPresent());
            found.ifPresent(hit -> span.setAttribute(SOURCE, hit.source().name().toLowerCase(Locale.ROOT)));
            return found;
        });
    }

    /** No span: no I/O to see, and a cold request would show two reads. */
    @Override
    public Optional<Found> lookupInMemory(ConnectionKey key) {
        return tokens.lookupInMemory(key);
    }

    /** A span from the read's start to its answer: a miss is served with what this read found, not read again. */
    @Override
    public CompletionStage<Optional<Found>> lookupWithoutBlocking(ConnectionKey key) {
        Span span = spans.start("token store read", SpanKind.CLIENT, key, adapter);
        try (Scope ignored = span.makeCurrent()) {
            return tokens.lookupWithoutBlocking(key).whenComplete((found, failed) -> {
                if (found != null) {
                    span.setAttribute(HIT, found.isPresent());
                    found.ifPresent(hit -> span.setAttribute(SOURCE, hit.source().name().toLowerCase(Locale.ROOT)));
                }
                span.end();
            });
        }
    }

    @Override
    public boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence) {
        Span span = spans.start("token store put", SpanKind.CLIENT, key, adapter);
        return TracedPorts.within(span, () -> {
            boolean accepted = tokens.put(key, token, ttl, fence);
            span.setAttribute(ACCEPTED, accepted);
            return accepted;
        });
    }

    @Override
    public boolean deleteIf(ConnectionKey key, Fingerprint fingerprint) {
        return tokens.deleteIf(key, fingerprint);
    }

    @Override
    public void delete(ConnectionKey key) {
        tokens.delete(key);
    }
}
