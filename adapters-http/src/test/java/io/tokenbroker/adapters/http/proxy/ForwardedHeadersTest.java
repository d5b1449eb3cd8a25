package io.tokenbroker.adapters.http.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.simple.SimpleHttpHeaders;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {

    private static Set<String> names(MutableHttpHeaders headers) {
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(headers.names());
        return names;
    }

    @Test
    void theUpstreamGetsTheConnectionsTokenAndNothingThatBelongsToTheCallersHop() {
        MutableHttpHeaders headers = new SimpleHttpHeaders();
        headers.add("X-API-Key", "tbk_caller").add("Authorization", "Bearer tbk_caller").add("Cookie", "s=1")
                .add("Host", "evil.example").add("Connection", "keep-alive, X-Hop").add("X-Hop", "1")
                .add("Keep-Alive", "timeout=5").add("Transfer-Encoding", "chunked").add("Upgrade", "h2c")
                .add("Proxy-Authorization", "Basic x").add("TE", "trailers").add("X-Forwarded-Host", "evil.example")
                .add("Tokenbroker-Min-Valid-For", "60").add("Content-Length", "7").add("Accept", "application/json")
                .add("X-Custom", "kept").add("Content-Type", "text/csv");

        ForwardedHeaders.toUpstream(headers, "the-connections-token");

        assertEquals(new TreeSet<>(Set.of("Accept", "Authorization", "Content-Type", "X-Custom")), names(headers));
        assertEquals("Bearer the-connections-token", headers.get("Authorization"));
    }

    @Test
    void theCallerGetsTheApisHeadersButNotItsHopByHopOnes() {
        MutableHttpHeaders headers = new SimpleHttpHeaders();
        headers.add("Connection", "close, X-Hop").add("X-Hop", "1").add("Transfer-Encoding", "chunked")
                .add("Keep-Alive", "timeout=5").add("Proxy-Authenticate", "Basic").add("Set-Cookie", "api=1")
                .add("Cache-Control", "max-age=60").add("Content-Length", "12").add("WWW-Authenticate", "Bearer");

        ForwardedHeaders.toCaller(headers);

        assertEquals(new TreeSet<>(Set.of("Cache-Control", "Content-Length", "Set-Cookie", "WWW-Authenticate")),
                names(headers));
    }
}
