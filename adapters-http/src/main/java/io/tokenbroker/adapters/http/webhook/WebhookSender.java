package io.tokenbroker.adapters.http.webhook;

import io.tokenbroker.adapters.http.upstream.EgressDnsResolver;
import io.tokenbroker.adapters.http.upstream.OutboundConfigs;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecRuntime;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * One attempt on the wire: signs the body afresh ({@code t=<epoch seconds>,v1=<hex>}, HMAC-SHA256 over
 * {@code "<t>.<body>"} with the receiver's secret, so a receiver checks origin and rejects replays by age) and
 * sends it with Apache HttpClient 5's async client, so no thread waits for the receiver.
 *
 * <p>Receivers are operator configuration, judged by the egress policy as operator-saved connections are. The policy
 * is applied where the connection is made: the client resolves host names only through an {@link EgressDnsResolver},
 * so it connects to an address checked by that very lookup, and a refused one fails the attempt with an
 * {@code EgressRefusedException} before anything is opened (DNS rebinding cannot steer it elsewhere).
 */
final class WebhookSender implements AutoCloseable {

    /** Who calls, for a receiver's logs; no version, which would tell an attacker what to look up. */
    static final String USER_AGENT = "tokenbroker-webhooks";
    /** As the JDK client had it; an attempt's own timeout cuts it shorter when smaller. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final ContentType JSON = ContentType.create("application/json");
    /** The context attribute through which an exchange's runtime reaches {@link #send}; see {@link #keepRuntime}. */
    private static final String RUNTIME = WebhookSender.class.getName() + ".runtime";

    private final CloseableHttpAsyncClient http;
    private final Clock clock;

    WebhookSender(CloseableHttpAsyncClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /**
     * A started client. {@code connections} bounds the pool per route and in all: the lanes already bound attempts
     * on the wire per receiver, so the pool is sized to let every receiver have its share at once (a receiver that
     * hangs must not hold connections another one is waiting for).
     *
     * <p>No automatic retry (retries are the lanes' own, counted and backed off), no redirects (a receiver that
     * redirects must not make the broker POST signed events elsewhere), no cookies, no authentication, no
     * decompression, HTTP/1.1 only, and no system properties, so no proxy from the environment. The response timeout
     * bounds each wait for the receiver; the lane bounds the whole attempt, body included, by the same timeout.
     */
    static CloseableHttpAsyncClient client(EgressDnsResolver resolver, Duration timeout, int connections) {
        ConnectionConfig connection = OutboundConfigs.connections(
                timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT);
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver)
                        .setMaxConnPerRoute(connections)
                        .setMaxConnTotal(connections)
                        .setDefaultConnectionConfig(connection)
                        .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                        .build())
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                .setThreadFactory(new DefaultThreadFactory("webhook-http", true))
                .setDefaultRequestConfig(OutboundConfigs.request(timeout))
                .addExecInterceptorFirst("webhook-runtime", WebhookSender::keepRuntime)
                .setUserAgent(USER_AGENT)
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .disableContentCompression()
                .build();
        client.start();
        return client;
    }

    /**
     * The exchange: completes with the answer's status once its body has ended, or fails (an
     * {@code EgressRefusedException} among the causes when the policy refused the address at connect time).
     * Cancelling it cancels the exchange, which closes its connection.
     */
    CompletableFuture<Integer> send(Target target, byte[] body) {
        long timestamp = clock.instant().getEpochSecond();
        String signed = timestamp + "." + new String(body, StandardCharsets.UTF_8);
        AsyncRequestProducer request = AsyncRequestBuilder.post(target.url())
                .setHeader(WebhookConnectionEvents.SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + sign(target.key(), signed))
                .setEntity(AsyncEntityProducers.create(body, JSON))
                .build();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        AtomicReference<AsyncExecRuntime> runtime = new AtomicReference<>();
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute(RUNTIME, runtime);
        Future<Integer> exchange = http.execute(request, new StatusOnly(), context,
                new FutureCallback<>() {
                    @Override
                    public void completed(Integer code) {
                        status.complete(code);
                    }

                    @Override
                    public void failed(Exception failure) {
                        status.completeExceptionally(failure);
                    }

                    @Override
                    public void cancelled() {
                        status.cancel(false);
                    }
                });
        status.whenComplete((code, failure) -> {
            if (status.isCancelled()) {
                exchange.cancel(true);
                // Apache's cancel reaches the exchange through a dependency that the thread which started it can
                // overwrite with a finished step (lease, connect) after the I/O thread has moved on, and then closes
                // nothing. Discarding the endpoint closes the connection whatever stage the exchange is at.
                AsyncExecRuntime started = runtime.get();
                if (started != null) {
                    started.discardEndpoint();
                }
            }
        });
        return status;
    }

    /**
     * First in the client's chain, on the thread that calls {@code execute}: hands the exchange's runtime to
     * {@link #send}'s holder, so that cancelling can close the connection.
     */
    @SuppressWarnings("unchecked")
    private static void keepRuntime(HttpRequest request, AsyncEntityProducer entity, AsyncExecChain.Scope scope,
                                    AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
        Object holder = scope.clientContext.getAttribute(RUNTIME);
        if (holder instanceof AtomicReference<?> runtime) {
            ((AtomicReference<AsyncExecRuntime>) runtime).set(scope.execRuntime);
        }
        chain.proceed(request, entity, scope, callback);
    }

    /**
     * Stops the I/O thread, which closes every connection as it goes: by now the lanes have finished or cancelled
     * what was on the wire. Graceful only in that it lets that thread close them (an immediate close shuts the
     * selector under it, which it reports as an error); it waits for no exchange.
     */
    @Override
    public void close() {
        http.close(CloseMode.GRACEFUL);
    }

    /** HMAC-SHA256 of {@code payload} with {@code key}, hex: what a receiver recomputes. */
    static String sign(SecretKeySpec key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every JDK ships HmacSHA256", impossible);
        }
    }
}
