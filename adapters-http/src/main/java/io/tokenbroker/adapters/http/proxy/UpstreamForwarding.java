package io.tokenbroker.adapters.http.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.netty.NettyHttpResponseBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.upstream.EgressRefusedException;
import io.tokenbroker.adapters.http.upstream.EgressResolverGroup;
import io.tokenbroker.application.port.in.UpstreamNotAllowedException;
import io.tokenbroker.domain.connection.ApiBaseUrl;
import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.URI;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends one proxied request through Micronaut's {@link ProxyHttpClient} (configured never to follow redirects) and
 * hands back the upstream's answer with its body still streaming. A replayable request carries its buffered body; a
 * streaming one carries the caller's body itself, so bytes flow to the upstream as they arrive, with back-pressure.
 *
 * <p>There is one client per kind of key that saves connections, each resolving host names through the
 * {@link EgressGuard} for that kind when it opens a connection ({@link EgressResolverGroup}): the name is checked
 * where it is used, once per connection, and a tenant's request never reuses a connection opened for an operator's.
 * The clients share one group of event loops, which this class shuts down when it closes.
 */
public final class UpstreamForwarding implements AutoCloseable {

    private final Map<SavedBy, ProxyHttpClient> clients;
    private final EventLoopGroup eventLoops;
    private final MeterRegistry registry;

    /**
     * @param clients    one per kind of key that saves connections, each resolving host names through the egress
     *                   guard for that kind ({@link EgressResolverGroup}) and never following redirects (a 3xx is the
     *                   caller's to see, and may name any host)
     * @param eventLoops the group the clients run on, handed to them and not shut down by them: owned from here on
     */
    public UpstreamForwarding(Map<SavedBy, ? extends ProxyHttpClient> clients, EventLoopGroup eventLoops,
                              MeterRegistry registry) {
        if (!clients.keySet().containsAll(EnumSet.allOf(SavedBy.class))) {
            throw new IllegalArgumentException("a client for every kind of key that saves connections is needed");
        }
        this.clients = new EnumMap<>(clients);
        this.eventLoops = Objects.requireNonNull(eventLoops, "eventLoops");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * @param savedBy who saved the connection: decides which addresses its host may resolve to when connecting
     * @param body    the buffered body (empty: none), or null to stream the caller's body (it can be sent once only)
     * @throws ProxyFailure                 when the upstream could not be reached (its name included: a name that
     *                                      does not resolve) or did not answer in time
     * @throws UpstreamNotAllowedException when the host resolves, when a connection is opened, to an address the
     *                                      policy refuses
     */
    MutableHttpResponse<?> send(HttpRequest<?> request, URI target, SavedBy savedBy, String token, byte[] body) {
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
            MutableHttpResponse<?> answer = Mono.from(clients.get(savedBy).proxy(outgoing)).block();
            if (answer == null) {
                throw ProxyFailure.unreachable();
            }
            return answer;
        } catch (ReadTimeoutException timeout) {
            registry.counter("tokenbroker.proxy.failures", "reason", "timeout").increment();
            throw ProxyFailure.timedOut();
        } catch (HttpClientException unreachable) {
            Optional<EgressRefusal> refused = EgressRefusedException.in(unreachable);
            if (refused.isPresent()) {
                // The answer the check before the call gives for an IP literal: for a name this is where it is judged.
                throw new UpstreamNotAllowedException(ApiBaseUrl.SETTING, refused.get());
            }
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

    /** Closes the clients (their pools), then the event loops they shared: once, and only once no client runs. */
    @Override
    public void close() throws Exception {
        try {
            for (ProxyHttpClient client : clients.values()) {
                if (client instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        } finally {
            // Micronaut's defaults for a client's own group: a shutdown must not hold up the broker's.
            eventLoops.shutdownGracefully(HttpClientConfiguration.DEFAULT_SHUTDOWN_QUIET_PERIOD_MILLISECONDS,
                    HttpClientConfiguration.DEFAULT_SHUTDOWN_TIMEOUT_MILLISECONDS, TimeUnit.MILLISECONDS)
                    .await(HttpClientConfiguration.DEFAULT_SHUTDOWN_TIMEOUT_MILLISECONDS);
        }
    }
}
