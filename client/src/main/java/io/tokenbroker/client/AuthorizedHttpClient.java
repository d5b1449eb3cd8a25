package io.tokenbroker.client;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The 401 hook: sends requests to one connection's API with {@code Authorization: Bearer <token>} from the broker,
 * and when the API answers 401, invalidates exactly the token that request carried and sends it once more with a
 * fresh one. The second answer is returned whatever it is, so an API that refuses every token costs one
 * invalidation per request, never a loop. Built over a caching {@link TokenBrokerClient}, a burst of 401s for one
 * token causes one refresh: the invalidations of that token collapse and the re-fetch is single-flighted.
 *
 * <p><b>Only requests whose body can be sent twice.</b> The retry is the same {@link HttpRequest} with the new
 * header, so its {@link HttpRequest.BodyPublisher} is subscribed again. The JDK's {@code noBody}, {@code ofString},
 * {@code ofByteArray} and {@code ofFile} publishers can be; {@code ofInputStream} only if its supplier opens a new
 * stream each time; {@code fromPublisher} and {@code ofByteArrays} only if their source starts over. Send a request
 * whose body cannot be replayed with the plain {@link HttpClient} and {@link TokenBrokerClient#token} instead.
 *
 * <p>The request's own {@code Authorization} header, if any, is replaced. The first answer's body is discarded
 * when it is a 401 that will be retried. Broker failures surface as {@link TokenBrokerException}.
 */
public final class AuthorizedHttpClient {

    private final HttpClient http;
    private final TokenBrokerClient broker;
    private final ConnectionKey connection;
    private final Executor executor;

    private AuthorizedHttpClient(HttpClient http, TokenBrokerClient broker, ConnectionKey connection,
                                 Executor executor) {
        this.http = Objects.requireNonNull(http, "http");
        this.broker = Objects.requireNonNull(broker, "broker");
        this.connection = connection;
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * Tokens for {@code sendAsync} are obtained on {@code http}'s executor when it has one, otherwise on the
     * common pool; {@link #withExecutor} picks another (the call may wait for the broker).
     */
    public static AuthorizedHttpClient of(HttpClient http, TokenBrokerClient broker, String tenant,
                                          String connection) {
        return new AuthorizedHttpClient(http, broker, new ConnectionKey(tenant, connection),
                http.executor().orElseGet(ForkJoinPool::commonPool));
    }

    /** The same hook, getting tokens for {@code sendAsync} on {@code executor}. */
    public AuthorizedHttpClient withExecutor(Executor executor) {
        return new AuthorizedHttpClient(http, broker, connection, executor);
    }

    /** {@link HttpClient#send} with the token, retried once with a fresh token on a 401. */
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Token token = token();
        HttpResponse<T> first = http.send(authorized(request, token), discardingA401(handler));
        if (first.statusCode() != 401) {
            return first;
        }
        return http.send(authorized(request, renew(token)), handler);
    }

    /** {@link HttpClient#sendAsync} with the token, retried once with a fresh token on a 401. */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
        return CompletableFuture.supplyAsync(this::token, executor)
                .thenCompose(token -> http.sendAsync(authorized(request, token), discardingA401(handler))
                        .thenCompose(first -> first.statusCode() != 401
                                ? CompletableFuture.completedFuture(first)
                                : CompletableFuture.supplyAsync(() -> renew(token), executor)
                                        .thenCompose(fresh -> http.sendAsync(authorized(request, fresh), handler))));
    }

    private Token token() {
        return broker.token(connection.tenant(), connection.connection());
    }

    /** Drops exactly the refused token (a newer one that another request already got stays) and asks again. */
    private Token renew(Token refused) {
        broker.invalidate(connection.tenant(), connection.connection(), refused.value());
        return token();
    }

    private static HttpRequest authorized(HttpRequest request, Token token) {
        return HttpRequest.newBuilder(request, (name, value) -> !"Authorization".equalsIgnoreCase(name))
                .header("Authorization", token.authorization())
                .build();
    }

    /** A 401 that is about to be retried is not handed to the caller, so its body is not read into one. */
    private static <T> BodyHandler<T> discardingA401(BodyHandler<T> handler) {
        return info -> info.statusCode() == 401 ? BodySubscribers.replacing(null) : handler.apply(info);
    }

    @Override
    public String toString() {
        return "AuthorizedHttpClient[" + connection.tenant() + "/" + connection.connection() + "]";
    }
}
