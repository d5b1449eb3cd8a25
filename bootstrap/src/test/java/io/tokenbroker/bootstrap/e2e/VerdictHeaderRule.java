package io.tokenbroker.bootstrap.e2e;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.SecurityFilter;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A rule asked before all others, only in the security decision tests: without {@code X-Test-Verdict} it answers
 * "no opinion" at once (and notes whether micronaut-security's own filter asked it); with {@code later-allow},
 * {@code later-reject} or {@code later-unknown} it answers that from another thread, as a rule that looks
 * something up would.
 */
@Singleton
@Requires(property = VerdictHeaderRule.ENABLED, value = "true")
public final class VerdictHeaderRule implements SecurityRule<HttpRequest<?>> {

    static final String ENABLED = "test.verdict-header-rule";
    static final String HEADER = "X-Test-Verdict";

    private final AtomicBoolean lastAskedByTheFrameworkFilter = new AtomicBoolean();

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    @Override
    public Publisher<SecurityRuleResult> check(HttpRequest<?> request, @Nullable Authentication authentication) {
        String verdict = request.getHeaders().get(HEADER);
        if (verdict == null) {
            lastAskedByTheFrameworkFilter.set(StackWalker.getInstance().walk(frames -> frames
                    .anyMatch(frame -> frame.getClassName().equals(SecurityFilter.class.getName()))));
            return Mono.empty();
        }
        SecurityRuleResult result = switch (verdict) {
            case "later-allow" -> SecurityRuleResult.ALLOWED;
            case "later-reject" -> SecurityRuleResult.REJECTED;
            default -> SecurityRuleResult.UNKNOWN;
        };
        return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> result));
    }

    /** Whether the last request without a verdict was decided inside micronaut-security's {@code SecurityFilter}. */
    boolean lastAskedByTheFrameworkFilter() {
        return lastAskedByTheFrameworkFilter.get();
    }
}
