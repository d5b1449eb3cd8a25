package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.CompleteConsent;
import io.tokenbroker.application.port.in.StartConsent;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The two browser-facing routes of the connect flow, open without an API key (the security configuration opens
 * exactly these; the per-address rate limit applies). Answers are redirects or small HTML pages, never problem+json
 * or a stack trace: a person is reading. Not part of the API document, which describes machine callers' routes.
 */
@Hidden
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class ConsentController {

    private final StartConsent startConsent;
    private final CompleteConsent completeConsent;
    private final PublicAddress publicAddress;
    private final Clock clock;

    public ConsentController(StartConsent startConsent, CompleteConsent completeConsent, PublicAddress publicAddress,
                             Clock clock) {
        this.startConsent = startConsent;
        this.completeConsent = completeConsent;
        this.publicAddress = publicAddress;
        this.clock = clock;
    }

    /** Opens a link: binds this browser to a new attempt by cookie and sends it to the provider. */
    @Get(PublicAddress.CONNECT_PATH + "{link}")
    public HttpResponse<?> open(String link) {
        return page(() -> {
            StartConsent.Outcome outcome = startConsent.start(link);
            if (outcome instanceof StartConsent.Redirect redirect) {
                long seconds = Math.max(1, Duration.between(clock.instant(), redirect.expiresAt()).toSeconds());
                Cookie binding = Cookie.of(publicAddress.cookieName(), redirect.browser().reveal()).httpOnly(true)
                        .sameSite(SameSite.Lax).path("/").maxAge(seconds).secure(publicAddress.secure());
                return found(redirect.authorize()).cookie(binding);
            }
            return switch (((StartConsent.Refused) outcome).reason()) {
                case UNKNOWN -> ConsentPages.unknownLink();
                case EXPIRED -> ConsentPages.expiredLink();
                case COMPLETED -> ConsentPages.completedLink();
            };
        });
    }

    /** The provider's redirect back: other parameters than these are ignored. */
    @Get(PublicAddress.CALLBACK_PATH)
    public HttpResponse<?> callback(@Nullable @QueryValue String state, @Nullable @QueryValue String code,
                                    @Nullable @QueryValue String error, @Nullable @QueryValue String iss,
                                    @Nullable @QueryValue String realmId, HttpRequest<?> request) {
        Optional<String> browser = request.getCookies().findCookie(publicAddress.cookieName()).map(Cookie::getValue);
        return page(() -> {
            CompleteConsent.Completion completion = completeConsent.complete(new CompleteConsent.Command(
                    Optional.ofNullable(state), Optional.ofNullable(code), Optional.ofNullable(error),
                    Optional.ofNullable(iss), Optional.ofNullable(realmId), browser));
            if (completion instanceof CompleteConsent.Returned returned) {
                // The cookie stays until the link expires: a replay in this browser is then told it was one.
                return returned.returnUrl().<MutableHttpResponse<?>>map(url -> found(back(url, returned)))
                        .orElseGet(() -> returned.error().map(ConsentPages::notConnected)
                                .orElseGet(ConsentPages::connected));
            }
            return switch (((CompleteConsent.Refused) completion).reason()) {
                case UNKNOWN_STATE -> ConsentPages.unknownState();
                case OTHER_BROWSER -> ConsentPages.otherBrowser();
            };
        });
    }

    /** The return URL with the result; a hint for the receiver, who confirms with the connection's status. */
    private static URI back(URI returnUrl, CompleteConsent.Returned returned) {
        StringBuilder query = new StringBuilder()
                .append("tenant=").append(encode(returned.key().tenant().value()))
                .append("&connection=").append(encode(returned.key().connection().value()))
                .append(returned.error().map(code -> "&result=error&error=" + encode(code)).orElse("&result=connected"));
        String base = returnUrl.toString();
        return URI.create(base + (returnUrl.getRawQuery() == null ? "?" : "&") + query);
    }

    /** 302: Micronaut's {@code redirect} is a 301, which a browser would cache and replay without asking. */
    private static MutableHttpResponse<?> found(URI location) {
        return HttpResponse.status(HttpStatus.FOUND).headers(headers -> headers.location(location));
    }

    private static HttpResponse<?> page(Supplier<HttpResponse<?>> answer) {
        try {
            return answer.get();
        } catch (BrokerException unavailable) {
            return ConsentPages.unavailable();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
