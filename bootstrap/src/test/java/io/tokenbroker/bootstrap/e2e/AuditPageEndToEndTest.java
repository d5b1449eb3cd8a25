package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The audit page over plain HTTP, no browser needed: it and every file it loads come from the broker, open to
 * anonymous callers, under a Content-Security-Policy that allows no inline code; the data behind it still needs a key.
 * {@link AuditPageBrowserTest} drives it in Chromium.
 */
@MicronautTest
class AuditPageEndToEndTest {

    private static final Pattern ORIGIN = Pattern.compile("(?i)\\b(?:https?:)?//[a-z0-9.-]+");
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"");
    private static final Pattern IMPORT = Pattern.compile("from '\\./([a-z]+\\.js)'");

    @Inject
    EmbeddedServer server;

    @Test
    void thePageAndEverythingItLoadsComeFromTheBrokerUnderAPolicyWithoutInlineCode() {
        BrokerClient anonymous = new BrokerClient(server.getURI(), null);
        HttpResponse<String> page = anonymous.get("/ui");

        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertStrictPolicy(page);
        Matcher origins = ORIGIN.matcher(page.body());
        assertFalse(origins.find(), () -> "the page names another origin: " + origins.group());
        assertFalse(page.body().matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), "no inline script");
        assertFalse(page.body().contains("<style") || page.body().contains(" style="), "no inline style");
        assertFalse(page.body().matches("(?s).*\\son[a-z]+=.*"), "no inline event handler");

        List<String> loaded = loaded(anonymous, page.body());
        assertTrue(loaded.containsAll(List.of("/ui/audit.css", "/ui/vendor/chart/chart.umd.min.js", "/ui/js/main.js",
                "/ui/js/api.js", "/ui/js/connection.js", "/ui/js/timeline.js")), loaded.toString());
    }

    /** Every asset of the page, and every module those import, fetched anonymously: each 200 under the policy. */
    private static List<String> loaded(BrokerClient anonymous, String page) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(matches(ASSET, page, ""));
        while (!pending.isEmpty()) {
            String asset = pending.pop();
            if (!seen.add(asset)) {
                continue;
            }
            HttpResponse<String> served = anonymous.get(asset);
            assertEquals(200, served.statusCode(), asset);
            assertStrictPolicy(served);
            String type = served.headers().firstValue("Content-Type").orElseThrow();
            if (asset.endsWith(".js")) {
                // Module scripts load only with a JavaScript type, and nosniff is on.
                assertTrue(type.contains("javascript"), asset + " is served as " + type);
                pending.addAll(matches(IMPORT, served.body(), asset.substring(0, asset.lastIndexOf('/') + 1)));
            }
        }
        return new ArrayList<>(seen);
    }

    private static List<String> matches(Pattern pattern, String text, String prefix) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(prefix + matcher.group(1));
        }
        return found;
    }

    private static void assertStrictPolicy(HttpResponse<String> response) {
        String policy = response.headers().firstValue("Content-Security-Policy").orElseThrow(
                () -> new AssertionError(response.uri() + " carries no Content-Security-Policy"));
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'")
                && policy.contains("style-src 'self'") && policy.contains("connect-src 'self'")
                && policy.contains("form-action 'none'") && policy.contains("frame-ancestors 'none'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval"), policy);
    }

    @Test
    void thePageIsOpenButTheDataBehindItIsNot() {
        BrokerClient anonymous = new BrokerClient(server.getURI(), null);

        assertEquals(401, anonymous.get("/v1/status").statusCode());
        assertEquals(401, anonymous.get("/v1/tenants/acme/connections/crm/refresh-log").statusCode());
        assertEquals(404, anonymous.get("/ui/js/nothing.js").statusCode());
        HttpResponse<String> escape = anonymous.get("/ui/../v1/status");
        assertTrue(escape.statusCode() == 401 || escape.statusCode() == 404, escape.statusCode() + " " + escape.body());
    }
}
