package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * The Content-Security-Policy of the two browser pages served from static resources, the audit page ({@code /ui})
 * and the API document's page ({@code /docs}): scripts, styles and API calls from this broker only, nothing inline,
 * no plugins, no frames, and no form submission — the audit page's key form is handled by its script, so without
 * it the key cannot leave the page, not even into a URL. The audit page shows upstream-supplied text (refresh-log
 * messages), so the policy is the second line behind writing it as text, never as markup. Swagger UI draws its icons
 * from {@code data:} images: its policy allows those, the audit page's does not. {@link EdgeHeadersFilter} adds the
 * headers every answer carries.
 */
@ServerFilter({BrowserPageHeadersFilter.AUDIT_PAGE, BrowserPageHeadersFilter.AUDIT_ASSETS,
        BrowserPageHeadersFilter.DOCS_PAGE, BrowserPageHeadersFilter.DOCS_ASSETS})
public final class BrowserPageHeadersFilter {

    static final String AUDIT_PAGE = "/ui";
    static final String AUDIT_ASSETS = "/ui/**";
    static final String DOCS_PAGE = "/docs";
    static final String DOCS_ASSETS = "/docs/**";
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String DOCS_POLICY = POLICY.replace("img-src 'self';", "img-src 'self' data:;");

    @ResponseFilter
    public void policy(HttpRequest<?> request, MutableHttpResponse<?> response) {
        boolean docs = request.getPath().startsWith(DOCS_PAGE);
        response.header("Content-Security-Policy", docs ? DOCS_POLICY : POLICY);
    }
}
