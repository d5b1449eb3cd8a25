package io.tokenbroker.adapters.http.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.DefaultRequestBinderRegistry;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.filter.ClientFilterResolutionContext;
import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.micronaut.http.client.netty.ssl.NettyClientSslBuilder;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.http.filter.GenericHttpFilter;
import io.micronaut.http.filter.HttpClientFilterResolver;
import io.micronaut.websocket.context.WebSocketBeanRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.upstream.EgressResolverGroup;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event loops the proxy's clients share: a client handed the group leaves it running when it closes (the other
 * client still needs it), and the forwarding shuts it down once, after every client. No request is sent.
 */
class UpstreamForwardingTest {

    private final EventLoopGroup eventLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EgressGuard offline = new EgressGuard(EgressPolicy.defaults(), host -> {
        throw new UnknownHostException(host);
    });

    @AfterEach
    void stop() {
        eventLoops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    @Test
    void aClientHandedTheGroupLeavesItRunningWhenItCloses() {
        DefaultHttpClient client = client(SavedBy.TENANT);

        client.close();

        assertFalse(eventLoops.isShuttingDown(), "the other client still runs on it");
    }

    @Test
    void closingTheForwardingClosesEveryClientAndThenTheirGroup() throws Exception {
        Map<SavedBy, DefaultHttpClient> clients = new EnumMap<>(SavedBy.class);
        for (SavedBy savedBy : SavedBy.values()) {
            clients.put(savedBy, client(savedBy));
        }

        new UpstreamForwarding(clients, eventLoops, new SimpleMeterRegistry()).close();

        clients.forEach((savedBy, client) -> assertFalse(client.isRunning(), savedBy + "'s client"));
        assertTrue(eventLoops.isShuttingDown());
    }

    /** Built as bootstrap's {@code ProxyFactory} builds them, with empty stand-ins for the context's parts. */
    @SuppressWarnings("deprecation")
    private DefaultHttpClient client(SavedBy savedBy) {
        return new DefaultHttpClient(null, null, new DefaultHttpClientConfiguration(), null, new NoFilters(),
                List.of(), null, new NettyClientSslBuilder(new ResourceResolver()), MediaTypeCodecRegistry.of(),
                MessageBodyHandlerRegistry.EMPTY, WebSocketBeanRegistry.EMPTY,
                new DefaultRequestBinderRegistry(ConversionService.SHARED), eventLoops, NioSocketChannel::new,
                NioDatagramChannel::new, new NettyClientCustomizer() { }, null, ConversionService.SHARED,
                new EgressResolverGroup(offline, savedBy));
    }

    private static final class NoFilters implements HttpClientFilterResolver<ClientFilterResolutionContext> {

        @Override
        public List<FilterEntry> resolveFilterEntries(ClientFilterResolutionContext context) {
            return List.of();
        }

        @Override
        public List<GenericHttpFilter> resolveFilters(HttpRequest<?> request, List<FilterEntry> entries) {
            return List.of();
        }
    }
}
