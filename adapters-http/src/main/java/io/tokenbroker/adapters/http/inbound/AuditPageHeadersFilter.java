package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * The Content-Security-Policy of the audit page ({@code /ui}, static resources): scripts, styles and API calls from
 * this broker only, nothing inline, no plugins, no frames, and no form submission — the key form is handled by the
 * page's script, so without it the key cannot leave the page, not even into a URL. The page shows upstream-supplied
 * text (refresh-log messages), so the policy is the second line behind writing it as text, never as markup.
 * {@link EdgeHeadersFilter} adds the headers every answer carries.
 */
@ServerFilter({AuditPageHeadersFilter.PAGE, AuditPageHeadersFilter.ASSETS})
public final class AuditPageHeadersFilter {

    static final String PAGE = "/ui";
    static final String ASSETS = "/ui/**";
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @ResponseFilter
    public void policy(MutableHttpResponse<?> response) {
        response.header("Content-Security-Policy", POLICY);
    }
}
