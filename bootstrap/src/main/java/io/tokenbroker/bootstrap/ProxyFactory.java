package io.tokenbroker.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.http.bind.RequestBinderRegistry;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.http.client.filter.ClientFilterResolutionContext;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.micronaut.http.client.netty.ssl.ClientSslBuilder;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.http.filter.HttpClientFilterResolver;
import io.micronaut.websocket.context.WebSocketBeanRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tokenbroker.adapters.http.proxy.ProxyFlow;
import io.tokenbroker.adapters.http.proxy.UpstreamForwarding;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.upstream.EgressResolverGroup;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.in.ReplaceRejectedToken;
import io.tokenbroker.application.service.ReplaceRejectedTokenService;
import io.tokenbroker.bootstrap.config.ProxyConfiguration;
import io.tokenbroker.bootstrap.config.ResilienceConfiguration;
import io.tokenbroker.domain.egress.SavedBy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The authenticated proxy (issue 15): the bounded 401 replacement in the core, and Micronaut's proxy client for the
 * forwarding, configured never to follow a redirect (a 3xx may name any host; it is the caller's to see) and to
 * resolve host names only through the egress guard, when it connects.
 */
@Factory
public class ProxyFactory {

    /** The prefix of the proxy clients' event-loop threads, as thread dumps and profiles show them. */
    public static final String EVENT_LOOP_THREADS = "proxy-client";

    /** Bounded by the same minimum interval that spaces every refresh of a connection. */
    @Singleton
    ReplaceRejectedToken replaceRejectedToken(InvalidateToken invalidateToken, GetAccessToken getAccessToken,
                                              Clock clock, ResilienceConfiguration resilience) {
        return new ReplaceRejectedTokenService(invalidateToken, getAccessToken, clock, resilience.minInterval());
    }

    @Singleton
    @Bean(preDestroy = "close")
    UpstreamForwarding upstreamForwarding(ProxyConfiguration proxy, EgressGuard egress, MeterRegistry registry,
                                          ClientParts parts) {
        DefaultHttpClientConfiguration client = new DefaultHttpClientConfiguration();
        client.setFollowRedirects(false);
        client.setConnectTimeout(proxy.connectTimeout());
        client.setReadTimeout(proxy.readTimeout());
        client.setReadIdleTimeout(proxy.readTimeout());
        EventLoopGroup eventLoops = eventLoops(client);
        try {
            Map<SavedBy, ProxyHttpClient> clients = new EnumMap<>(SavedBy.class);
            for (SavedBy savedBy : SavedBy.values()) {
                clients.put(savedBy, proxyClient(client, new EgressResolverGroup(egress, savedBy), eventLoops, parts));
            }
            return new UpstreamForwarding(clients, eventLoops, registry);
        } catch (RuntimeException failed) {
            eventLoops.shutdownGracefully(); // nothing owns it yet
            throw failed;
        }
    }

    /**
     * One group for both clients, sized as Micronaut sizes a client's own (one loop per core unless configured): a
     * group each doubled the threads for no gain, since the clients differ only in how they resolve names. Daemon
     * threads, named for what they do; {@link UpstreamForwarding#close} shuts them down after the clients.
     */
    private static EventLoopGroup eventLoops(HttpClientConfiguration client) {
        int threads = client.getNumOfThreads().orElseGet(NettyRuntime::availableProcessors);
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(EVENT_LOOP_THREADS, true),
                NioIoHandler.newFactory());
    }

    /** What a Micronaut client needs from the context, beyond its configuration. */
    @Singleton
    record ClientParts(HttpClientFilterResolver<ClientFilterResolutionContext> filters, ClientSslBuilder ssl,
                       MediaTypeCodecRegistry codecs, MessageBodyHandlerRegistry bodies,
                       RequestBinderRegistry binders, ConversionService conversion) {
    }

    /**
     * The client {@code ProxyHttpClient.create} built before, with no filters and no customizers, but resolving
     * through the egress guard and running on the proxy's shared event loops. Micronaut 4 takes a resolver group and
     * an event-loop group only through this deprecated constructor (the builder's setters are package-private) or from
     * a client of the context's registry ({@code address-resolver-group-name}), which would also bring the
     * application's client filters (Micrometer's {@code http.client.requests}) and share the server's event loops, on
     * which the lookup would then block. A client handed a group never shuts it down ({@code ConnectionManager}).
     */
    @SuppressWarnings("deprecation")
    private static ProxyHttpClient proxyClient(HttpClientConfiguration configuration, EgressResolverGroup resolver,
                                               EventLoopGroup eventLoops, ClientParts parts) {
        return new DefaultHttpClient(null, null, configuration, null, parts.filters(), List.of(), null, parts.ssl(),
                parts.codecs(), parts.bodies(), WebSocketBeanRegistry.EMPTY, parts.binders(), eventLoops,
                NioSocketChannel::new, NioDatagramChannel::new, new NettyClientCustomizer() { }, null,
                parts.conversion(), resolver);
    }

    @Singleton
    ProxyFlow proxyFlow(GetAccessToken getAccessToken, ReplaceRejectedToken replaceRejectedToken,
                        FindConnection findConnection, EgressGuard egress, UpstreamForwarding forwarding,
                        ProxyConfiguration proxy) {
        return new ProxyFlow(getAccessToken, replaceRejectedToken, findConnection, egress, forwarding,
                proxy.settings());
    }
}
