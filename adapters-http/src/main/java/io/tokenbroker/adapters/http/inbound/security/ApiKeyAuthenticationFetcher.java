package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.micronaut.security.token.TokenAuthenticationFetcher;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.connection.TenantId;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Reads an API key from {@code X-API-Key} or {@code Authorization: Bearer} and hands micronaut-security the caller
 * it belongs to: the key id as name, its scopes as roles (so {@code @Secured("token:read")} works), its tenants as
 * attributes. A key verified moments ago is answered on the event loop; anything else starts on the blocking executor
 * (renewing a lapsed key reads the stored key) and, when bcrypt is needed, completes when the application's bounded
 * verification pool has run it, without holding a blocking thread meanwhile.
 *
 * <p>Answers that are known at once are Reactor's constant publishers ({@code Mono.just}, {@code Mono.empty}), which
 * {@link ImmediateSecurityFilter} reads without subscribing. It asks this fetcher before micronaut-security's
 * {@link TokenAuthenticationFetcher}: the broker has no {@code TokenValidator}, so that one never authenticates
 * anyone, and the first fetcher to answer wins.
 */
@Singleton
public final class ApiKeyAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {

    /** Attribute holding the tenants a caller acts for; absent means all tenants. */
    public static final String TENANTS = "tenants";
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";
    /** Distinct callers (key, scopes, tenants) remembered; beyond it the map starts over. */
    private static final int AUTHENTICATIONS = 10_000;

    private final AuthenticateCaller authenticateCaller;
    private final ExecutorService blocking;
    /**
     * The micronaut-security view of each verified caller, built once rather than per request. A pure function of
     * the caller's value, so an entry can never be wrong, only unused once its key is revoked or changed.
     */
    private final ConcurrentMap<Caller, Authentication> authentications = new ConcurrentHashMap<>();

    public ApiKeyAuthenticationFetcher(AuthenticateCaller authenticateCaller,
                                       @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.authenticateCaller = authenticateCaller;
        this.blocking = blocking;
    }

    @Override
    public int getOrder() {
        return TokenAuthenticationFetcher.ORDER - 1;
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        Optional<String> presented = presentedKey(request);
        if (presented.isEmpty()) {
            return Mono.empty();
        }
        String address = ClientAddress.of(request);
        AuthenticateCaller.Command command = new AuthenticateCaller.Command(presented.get(), address);
        Optional<Caller> known = authenticateCaller.alreadyVerified(command);
        if (known.isPresent()) {
            // The common case stays on the event loop: no thread hop for a key verified moments ago.
            return Mono.just(authentication(known.get()));
        }
        return Mono.fromFuture(() -> CompletableFuture
                .supplyAsync(() -> authenticateCaller.authenticateAsync(command), blocking)
                .thenCompose(stage -> stage)
                .thenApply(caller -> caller.map(this::authentication).orElse(null)));
    }

    private static Optional<String> presentedKey(HttpRequest<?> request) {
        String header = request.getHeaders().get(API_KEY_HEADER);
        if (header != null) {
            return Optional.of(header.strip());
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).strip();
            // Bearer tokens that are not ours (a JWT someone forwarded) are left to other fetchers.
            return token.startsWith("tbk_") ? Optional.of(token) : Optional.empty();
        }
        return Optional.empty();
    }

    private Authentication authentication(Caller caller) {
        Authentication known = authentications.get(caller);
        if (known != null) {
            return known;
        }
        if (authentications.size() >= AUTHENTICATIONS) {
            authentications.clear();
        }
        return authentications.computeIfAbsent(caller, ApiKeyAuthenticationFetcher::build);
    }

    private static Authentication build(Caller caller) {
        Map<String, Object> attributes = caller.tenants().all() ? Map.of()
                : Map.of(TENANTS, caller.tenants().tenants().stream().map(TenantId::value)
                        .collect(Collectors.toUnmodifiableList()));
        return Authentication.build(caller.keyId().value(),
                caller.grantedScopes().stream().map(Scope::wireName).sorted().toList(), attributes);
    }
}
