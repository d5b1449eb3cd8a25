package io.tokenbroker.bootstrap.demo;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.NonBlocking;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.tokenbroker.adapters.http.inbound.TokenController;
import io.tokenbroker.adapters.http.inbound.TokenResponse;

/**
 * The framework's own ceiling for benchmarks ({@code bench/run.sh}): a constant shaped and sized like a token
 * response, through the same server, serialisation, headers and path prefix (so the same caller security) as
 * {@link TokenController}, minus the broker's work. Off unless {@code tokenbroker.bench.enabled=true}.
 *
 * <p>Two variants: {@code /constant} runs on the blocking executor like the token endpoint, so the gap between it
 * and a cached token is what the broker itself costs; {@code /constant-event-loop} answers on the event loop, the
 * framework's best case.
 *
 * <p>It lives with the demo, not in the HTTP adapter: it is a measuring instrument the composition root adds, not
 * part of the broker's API.
 */
@Controller("/v1/bench")
@Requires(property = "tokenbroker.bench.enabled", value = "true")
@Secured("token:read")
public class BenchController {

    /** Same field lengths as a sandbox token response: {@code sbx_at_<n>_} plus 24 random characters. */
    private static final TokenResponse CONSTANT = new TokenResponse("sbx_at_12345_AbCdEfGhIjKlMnOpQrStUvWx",
            "Bearer", "2026-11-23T10:05:00Z", 3599);

    @Get(uri = "/constant", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<TokenResponse> constant() {
        return respond();
    }

    @Get(uri = "/constant-event-loop", produces = MediaType.APPLICATION_JSON)
    @NonBlocking
    public HttpResponse<TokenResponse> constantOnEventLoop() {
        return respond();
    }

    private static HttpResponse<TokenResponse> respond() {
        return HttpResponse.ok(CONSTANT).header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }
}
