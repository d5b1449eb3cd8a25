package io.tokenbroker.adapters.http.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.netty.NettyHttpResponseBuilder;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends one proxied request through Micronaut's {@link ProxyHttpClient} (configured never to follow redirects) and
 * hands back the upstream's answer with its body still streaming. A replayable request carries its buffered body; a
 * streaming one carries the caller's body itself, so bytes flow to the upstream as they arrive, with back-pressure.
 */
public final class UpstreamForwarding implements AutoCloseable {

    private final ProxyHttpClient client;
    private final MeterRegistry registry;

    /** @param client must not follow redirects: a 3xx is the caller's to see, and may name any host */
    public UpstreamForwarding(ProxyHttpClient client, MeterRegistry registry) {
        this.client = Objects.requireNonNull(client, "client");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * @param body the buffered body (empty: none), or null to stream the caller's body (it can be sent once only)
     * @throws ProxyFailure when the upstream could not be reached or did not answer in time
     */
    MutableHttpResponse<?> send(HttpRequest<?> request, URI target, String token, byte[] body) {
        MutableHttpRequest<?> outgoing;
        if (body == null) {
            outgoing = request.mutate().uri(target);
        } else {
            outgoing = HttpRequest.create(request.getMethod(), target.toString());
            request.getHeaders().forEach((name, values) -> values.forEach(
                    value -> outgoing.getHeaders().add(name, value)));
            if (body.length > 0) {
                outgoing.body(body);
            }
        }
        ForwardedHeaders.toUpstream(outgoing.getHeaders(), token);
        try {
            MutableHttpResponse<?> answer = Mono.from(client.proxy(outgoing)).block();
            if (answer == null) {
                throw ProxyFailure.unreachable();
            }
            return answer;
        } catch (ReadTimeoutException timeout) {
            registry.counter("tokenbroker.proxy.failures", "reason", "timeout").increment();
            throw ProxyFailure.timedOut();
        } catch (HttpClientException unreachable) {
            registry.counter("tokenbroker.proxy.failures", "reason", "unreachable").increment();
            throw ProxyFailure.unreachable();
        }
    }

    /** Reads and drops an answer that will not be passed on, so its connection goes back to the pool. */
    void discard(HttpResponse<?> answer) {
        if (answer instanceof NettyHttpResponseBuilder netty && netty.isStream()) {
            Flux.from(netty.toStreamHttpResponse()).subscribe(ReferenceCountUtil::release);
        }
    }

    /** Counts an answer passed to the caller by its status class, never by tenant or connection. */
    void passed(HttpResponse<?> answer) {
        registry.counter("tokenbroker.proxy.answers", "status", answer.code() / 100 + "xx").increment();
    }

    /** Counts a 401 that was retried with a fresh token, or passed on because the interval forbade a refresh. */
    void afterUnauthorized(boolean retried) {
        registry.counter("tokenbroker.proxy.retries", "outcome", retried ? "retried" : "declined").increment();
    }

    @Override
    public void close() throws Exception {
        if (client instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
