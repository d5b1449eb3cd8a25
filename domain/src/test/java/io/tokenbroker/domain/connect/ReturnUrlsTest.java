package io.tokenbroker.domain.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReturnUrlsTest {

    private final ReturnUrls allowed = ReturnUrls.of(List.of("https://app.example.com/app",
            "http://127.0.0.1:7000/done/"));

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com/app", "https://app.example.com/app/connected?x=1",
            "https://APP.example.com:443/app/a/../b", "http://127.0.0.1:7000/done/ok"})
    void admitsAnEntryAndWhatLiesBelowIt(String candidate) {
        assertTrue(allowed.admit(candidate).isPresent(), candidate);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com/app.evil", "https://app.example.com/app/../admin",
            "https://app.example.com/application", "https://app.example.com/", "http://app.example.com/app",
            "https://app.example.com:8443/app", "https://app.example.com.evil.test/app",
            "https://evil.test@app.example.com/app", "https://app.example.com/app/%2e%2e/admin",
            "https://app.example.com/app/..%2fadmin", "https://app.example.com/app\\..\\admin",
            "https://app.example.com/app#x", "javascript:alert(1)", "//app.example.com/app", "/app",
            "https://app.example.com//evil.test/app", "http://127.0.0.1:7000/done", "not a url"})
    void refusesEverythingElseIncludingPrefixAndDotTricks(String candidate) {
        assertEquals(Optional.empty(), allowed.admit(candidate), candidate);
    }

    @Test
    void theAdmittedUrlIsTheNormalisedOne() {
        assertEquals(Optional.of(URI.create("https://app.example.com:443/app/b")),
                allowed.admit("https://APP.example.com:443/app/a/../b"));
    }

    @Test
    void aMalformedEntryStopsTheStartNamingIt() {
        assertThrows(IllegalArgumentException.class, () -> ReturnUrls.of(List.of("ftp://x/y")));
        assertThrows(IllegalArgumentException.class, () -> ReturnUrls.of(List.of("https://x/y?q=1")));
        assertEquals(Optional.empty(), ReturnUrls.none().admit("https://app.example.com/app"));
    }
}
