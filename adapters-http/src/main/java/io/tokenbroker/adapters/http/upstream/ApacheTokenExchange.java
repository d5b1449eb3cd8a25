package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.application.port.out.UpstreamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * One HTTP exchange with a token endpoint, over Apache HttpClient 5 classic: the calling thread writes the request
 * and reads the answer itself, and the kernel wakes it when the answer arrives (no selector thread in between,
 * which cost a miss about a millisecond; {@code docs/decisions.md}).
 *
 * <p>Time bounds: connecting, by the connect timeout; every read of the status line, the headers or the body, by
 * the request timeout (the socket timeout), so a silent upstream or a body stalled half-way fails with
 * {@code timeout}; and the body as a whole, by the request timeout counted from the start of the exchange, checked
 * after every read, so a body that drips a byte at a time ends at most one request timeout past that deadline.
 * Headers that drip are bounded only per read (and by the client's header limits).
 */
final class ApacheTokenExchange {

    /** What came back: the status, the body (at most {@link TokenEndpointClient#MAX_BODY_BYTES}), Retry-After. */
    record Answer(int status, byte[] body, Optional<String> retryAfter) {
    }

    private static final int READ_CHUNK = 8 * 1024;
    /** What a provider sees in its access logs. */
    static final String USER_AGENT = "tokenbroker";

    private final CloseableHttpClient http;
    private final RequestConfig config;
    private final Duration requestTimeout;

    ApacheTokenExchange(CloseableHttpClient http, Duration requestTimeout) {
        this.http = http;
        this.requestTimeout = requestTimeout;
        // Per request, so it replaces the client's defaults whole: everything it must not do is said again there.
        this.config = OutboundConfigs.request(requestTimeout);
    }

    /**
     * Pooled keep-alive connections (TCP_NODELAY by default), at most 50 to one address and 200 in all. No automatic
     * retry: a grant is never sent twice by the client (a refresh token presented twice breaks rotation); retries
     * are the broker's own policy. No redirects (the egress check covers only the address a request names), no
     * cookies, no authentication state, no compression, and no system properties, so no proxy from the environment.
     * Idle connections as {@link OutboundConfigs#connections}.
     */
    static CloseableHttpClient client(Duration connectTimeout) {
        ConnectionConfig connections = OutboundConfigs.connections(connectTimeout);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(50)
                        .setMaxConnTotal(200)
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                        .setDefaultConnectionConfig(connections)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                // The library's own (name and version) would tell a provider's logs nothing about who calls.
                .setUserAgent(USER_AGENT)
                .build();
    }

    /**
     * Sends the request to {@code address} (one the egress guard checked; the name is not resolved again) and reads
     * the answer, consuming it or closing the connection before it returns.
     *
     * @throws UpstreamException.Unavailable {@code timeout}, {@code unreachable} or {@code interrupted}
     * @throws UpstreamException.Rejected    {@code response_too_large}
     */
    Answer send(TokenRequest request, InetAddress address) {
        HttpUriRequestBase outgoing = outgoing(request);
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        try {
            return http.execute(target(request.uri(), address), outgoing,
                    response -> read(response, outgoing, deadline));
        } catch (TooLarge tooLarge) {
            throw new UpstreamException.Rejected("token endpoint sent more than "
                    + TokenEndpointClient.MAX_BODY_BYTES + " bytes", OptionalInt.of(tooLarge.status),
                    Optional.of("response_too_large"));
        } catch (SocketTimeoutException | ConnectionRequestTimeoutException timeout) {
            // SocketTimeoutException also covers HttpClient's ConnectTimeoutException.
            throw TokenEndpointClient.unavailable("token endpoint timed out after " + requestTimeout.toMillis() + " ms",
                    "timeout");
        } catch (InterruptedIOException interrupted) {
            Thread.currentThread().interrupt();
            throw TokenEndpointClient.unavailable("interrupted while calling the token endpoint", "interrupted");
        } catch (IOException unreachable) {
            // Also a connection closed without an answer, and a body that broke off.
            throw TokenEndpointClient.unavailable(
                    "token endpoint unreachable (" + unreachable.getClass().getSimpleName() + ")", "unreachable");
        }
    }

    private HttpUriRequestBase outgoing(TokenRequest request) {
        HttpUriRequestBase outgoing = new HttpUriRequestBase(request.method(), request.uri());
        outgoing.setConfig(config);
        outgoing.setHeader("Accept", "application/json");
        request.headers().forEach(outgoing::setHeader);
        // No content type on the entity: the issuer's own Content-Type header is the one sent.
        request.body().ifPresent(body -> outgoing.setEntity(
                new ByteArrayEntity(body.getBytes(StandardCharsets.UTF_8), null)));
        return outgoing;
    }

    /** The checked address, under the URL's own host name (for TLS: SNI and certificate checks). */
    private static HttpHost target(URI uri, InetAddress address) {
        return new HttpHost(uri.getScheme(), address, EgressGuard.bare(uri.getHost()), uri.getPort());
    }

    /**
     * Reads the answer inside the client's response handler. When the body cannot be read to its end (too large,
     * too slow, broken) the connection is closed at once by cancelling the request: otherwise the client would drain
     * the rest of the body before handing the failure on, which is what the bound and the timeout are there to stop.
     */
    private static Answer read(ClassicHttpResponse response, HttpUriRequestBase outgoing, long deadline)
            throws IOException {
        HttpEntity entity = response.getEntity();
        byte[] body;
        try {
            body = entity == null ? new byte[0] : bounded(entity.getContent(), response.getCode(), deadline);
        } catch (IOException unreadable) {
            outgoing.cancel();
            throw unreadable;
        }
        Header retryAfter = response.getFirstHeader("Retry-After");
        return new Answer(response.getCode(), body, Optional.ofNullable(retryAfter).map(Header::getValue));
    }

    /** Reads at most one byte more than the limit, and not past the deadline. */
    private static byte[] bounded(InputStream content, int status, long deadline) throws IOException {
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        byte[] chunk = new byte[READ_CHUNK];
        int room = TokenEndpointClient.MAX_BODY_BYTES + 1;
        int read;
        while (room > 0 && (read = content.read(chunk, 0, Math.min(chunk.length, room))) >= 0) {
            collected.write(chunk, 0, read);
            room -= read;
            if (room > 0 && System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("token response body past its deadline");
            }
        }
        if (room == 0) {
            throw new TooLarge(status);
        }
        return collected.toByteArray();
    }

    /** Thrown inside the response handler, so the client does not drain the rest of the body first. */
    private static final class TooLarge extends IOException {
        private final int status;

        TooLarge(int status) {
            super("token response too large");
            this.status = status;
        }
    }
}
