package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.config.SecurityConfiguration;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.micronaut.security.filters.SecurityFilter;
import io.micronaut.security.filters.SecurityFilterConfigurationProperties;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * micronaut-security's {@link SecurityFilter}, decided without Reactor when every answer is already there. The
 * framework's filter builds a reactive chain over all {@link AuthenticationFetcher}s and then all
 * {@link SecurityRule}s for every request, and as a legacy around-filter it also turns the rest of the request into
 * a publisher; for a key verified moments ago, whose fetcher and rules all answer with constant publishers, that
 * chain was most of the cost security added to a cached token. This filter asks the same fetchers and rules, in the
 * same order, with the same first-answer-wins semantics, and acts on the result as the framework does: the
 * authentication becomes the request's principal, an allowed request continues, a rejected one fails with
 * {@link AuthorizationException} (401 anonymous, 403 authenticated) for the framework's own handler, an undecided
 * one continues only when no route matched and {@code reject-not-found} is off.
 *
 * <p>As soon as one answer is not immediate (a key that needs verifying, any rule that decides asynchronously),
 * the request goes to the framework's {@code SecurityFilter} itself, unchanged, with the answers already obtained
 * replayed rather than asked for twice.
 *
 * <p>One switch decides which of the two filters runs, so that never both or neither do: the broker's
 * {@code application.yml} sets {@code micronaut.security.filter.enabled=false}, the framework's own way to leave its
 * filter out, and this filter runs exactly then (with security on); setting it to {@code true} brings the
 * framework's filter back and leaves this one out.
 */
@Requires(beans = SecurityConfiguration.class)
@Requires(property = SecurityFilterConfigurationProperties.PREFIX + ".enabled", value = StringUtils.FALSE)
@ServerFilter("${" + SecurityFilterConfigurationProperties.PREFIX + ".pattern:" + ServerFilter.MATCH_ALL_PATTERN + "}")
public final class ImmediateSecurityFilter implements Ordered {

    private final List<SecurityRule<HttpRequest<?>>> rules;
    private final List<AuthenticationFetcher<HttpRequest<?>>> fetchers;
    private final SecurityConfiguration configuration;
    /** What the framework's filter hands on when it lets a request through: here, "continue". */
    private final MutableHttpResponse<?> proceed = HttpResponse.ok();
    private final ServerFilterChain proceedMarker = request -> Mono.just(proceed);

    public ImmediateSecurityFilter(List<SecurityRule<HttpRequest<?>>> rules,
                                   List<AuthenticationFetcher<HttpRequest<?>>> fetchers,
                                   SecurityConfiguration configuration) {
        this.rules = List.copyOf(rules);
        this.fetchers = List.copyOf(fetchers);
        this.configuration = configuration;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    /**
     * @return {@code null} to continue at once, else a stage that completes empty to continue, with the
     *     framework's answer, or failed with its rejection
     */
    @RequestFilter
    @Nullable
    public CompletionStage<Optional<HttpResponse<?>>> authorize(HttpRequest<?> request) {
        request.setAttribute(SecurityFilter.KEY, true);
        for (int i = 0; i < fetchers.size(); i++) {
            Publisher<Authentication> fetched = fetchers.get(i).fetchAuthentication(request);
            Object answer = ImmediateAnswers.of(fetched);
            if (answer == ImmediateAnswers.PENDING) {
                List<AuthenticationFetcher<HttpRequest<?>>> rest = new ArrayList<>();
                rest.add(replayed -> fetched);
                rest.addAll(fetchers.subList(i + 1, fetchers.size()));
                return byTheFramework(request, rest, rules);
            }
            if (answer != null) {
                return check(request, (Authentication) answer);
            }
        }
        return check(request, null);
    }

    @Nullable
    private CompletionStage<Optional<HttpResponse<?>>> check(HttpRequest<?> request,
                                                             @Nullable Authentication authentication) {
        request.setAttribute(SecurityFilter.AUTHENTICATION, authentication);
        for (int i = 0; i < rules.size(); i++) {
            Publisher<SecurityRuleResult> checked = rules.get(i).check(request, authentication);
            Object answer = ImmediateAnswers.of(checked);
            if (answer == ImmediateAnswers.PENDING) {
                // Rules before this one answered UNKNOWN, which the framework skips: they need no replay.
                List<SecurityRule<HttpRequest<?>>> rest = new ArrayList<>();
                rest.add((replayed, same) -> checked);
                rest.addAll(rules.subList(i + 1, rules.size()));
                AuthenticationFetcher<HttpRequest<?>> known = replayed -> authentication == null ? Mono.empty()
                        : Mono.just(authentication);
                return byTheFramework(request, List.of(known), rest);
            }
            if (answer == SecurityRuleResult.ALLOWED) {
                return null;
            }
            if (answer == SecurityRuleResult.REJECTED) {
                throw rejected(request, authentication);
            }
        }
        // No rule decided: what the framework does for a route that exists (reject) or does not (configurable).
        boolean routed = request.getAttribute(HttpAttributes.ROUTE_MATCH, RouteMatch.class).isPresent();
        if (!routed && !configuration.isRejectNotFound()) {
            return null;
        }
        throw rejected(request, authentication);
    }

    private static AuthorizationException rejected(HttpRequest<?> request, @Nullable Authentication authentication) {
        request.setAttribute(SecurityFilter.REJECTION,
                authentication != null ? HttpStatus.FORBIDDEN : HttpStatus.UNAUTHORIZED);
        return new AuthorizationException(authentication);
    }

    /** The framework's own filter over what is left to ask; its "proceed" becomes this filter's "continue". */
    private CompletionStage<Optional<HttpResponse<?>>> byTheFramework(
            HttpRequest<?> request, List<AuthenticationFetcher<HttpRequest<?>>> remainingFetchers,
            List<SecurityRule<HttpRequest<?>>> remainingRules) {
        SecurityFilter framework = new SecurityFilter(remainingRules, remainingFetchers, configuration);
        return Mono.from(framework.doFilter(request, proceedMarker)).toFuture()
                .thenApply(answer -> Optional.<HttpResponse<?>>ofNullable(answer).filter(given -> given != proceed));
    }
}
