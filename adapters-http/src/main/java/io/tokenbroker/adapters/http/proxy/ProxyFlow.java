package io.tokenbroker.adapters.http.proxy;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.tokenbroker.adapters.http.inbound.InvalidRequestException;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ReplaceRejectedToken;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One proxied call: the target ({@link ProxyTargets}), the token ({@link GetAccessToken}), the forwarding
 * ({@link UpstreamForwarding}) and, on a 401, one retry with the token {@link ReplaceRejectedToken} gives, which
 * declines when the connection's token was forced out less than a minimum interval ago. Only a body the proxy holds
 * can be sent twice: up to {@code max-buffered-body} it is read first; a larger one streams and is not retried.
 */
public final class ProxyFlow {

    /** Like {@code min_valid_for} on the token route; a header, since the query string belongs to the API. */
    static final String MIN_VALID_FOR = "Tokenbroker-Min-Valid-For";
    private static final Pattern WHOLE_SECONDS = Pattern.compile("[0-9]{1,9}");

    private final GetAccessToken getAccessToken;
    private final ReplaceRejectedToken replaceRejectedToken;
    private final ProxyTargets targets;
    private final UpstreamForwarding forwarding;
    private final ProxySettings settings;

    public ProxyFlow(GetAccessToken getAccessToken, ReplaceRejectedToken replaceRejectedToken,
                     FindConnection findConnection, EgressGuard egress, UpstreamForwarding forwarding,
                     ProxySettings settings) {
        this.getAccessToken = getAccessToken;
        this.replaceRejectedToken = replaceRejectedToken;
        this.targets = new ProxyTargets(findConnection, egress, settings);
        this.forwarding = forwarding;
        this.settings = settings;
    }

    MutableHttpResponse<?> forward(String tenant, String connection, HttpRequest<?> request) {
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        Duration minValidFor = minValidFor(request.getHeaders().get(MIN_VALID_FOR));
        ProxyTargets.Upstream target = targets.target(request, key);
        Optional<byte[]> held = replayableBody(request);
        AccessToken token = getAccessToken.get(new GetAccessToken.Query(key, minValidFor));
        MutableHttpResponse<?> answer = forwarding.send(request, target.uri(), target.savedBy(), token.value(),
                held.orElse(null));
        if (answer.code() == HttpStatus.UNAUTHORIZED.getCode() && held.isPresent()) {
            Optional<AccessToken> fresh;
            try {
                fresh = replaceRejectedToken.replace(new ReplaceRejectedToken.Command(key, token, minValidFor));
            } catch (RuntimeException noFreshToken) {
                forwarding.discard(answer); // the broker's failure is the answer now; the 401 must not hold its line
                throw noFreshToken;
            }
            forwarding.afterUnauthorized(fresh.isPresent());
            if (fresh.isPresent()) {
                forwarding.discard(answer);
                answer = forwarding.send(request, target.uri(), target.savedBy(), fresh.get().value(), held.get());
            }
        }
        ForwardedHeaders.toCaller(answer.getHeaders());
        forwarding.passed(answer);
        return ProxiedAnswers.mark(answer);
    }

    /**
     * The body, read, when it is small enough to hold for a retry (no body: empty bytes); empty when it must stream.
     * A declared length over the limit is refused before a byte is read.
     */
    private Optional<byte[]> replayableBody(HttpRequest<?> request) {
        long length = request.getContentLength();
        boolean chunked = request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING);
        if (length > settings.maxBody()) {
            throw ProxyFailure.tooLarge(settings.maxBody());
        }
        if (!chunked && length <= 0) {
            return Optional.of(new byte[0]);
        }
        if (chunked || length > settings.maxBufferedBody() || !(request instanceof ServerHttpRequest<?> server)) {
            return Optional.empty();
        }
        try (InputStream body = server.byteBody().toInputStream()) {
            return Optional.of(body.readAllBytes());
        } catch (IOException | RuntimeException broken) {
            throw new InvalidRequestException("the request body broke off before its declared length");
        }
    }

    private static Duration minValidFor(String value) {
        if (value == null) {
            return Duration.ZERO;
        }
        if (!WHOLE_SECONDS.matcher(value.trim()).matches()) {
            throw new InvalidRequestException(MIN_VALID_FOR + " must be a whole number of seconds from 0 to 999999999");
        }
        return Duration.ofSeconds(Long.parseLong(value.trim()));
    }
}
