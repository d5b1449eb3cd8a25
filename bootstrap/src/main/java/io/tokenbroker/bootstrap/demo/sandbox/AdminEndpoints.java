package io.tokenbroker.bootstrap.demo.sandbox;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The switches benchmarks and fault drills turn, and the counters they read: {@code GET /stats},
 * {@code POST /fault}, {@code POST /delay}, {@code POST|GET /refresh-tokens}, {@code POST|GET /hold},
 * {@code POST /reuse-grace}.
 */
final class AdminEndpoints {

    /** Enough for a drill's rotations; a benchmark that mints many tokens reads only the newest. */
    private static final int LEDGER_LIMIT = 5_000;

    private final SandboxState state;
    private final JsonMapper json;

    AdminEndpoints(SandboxState state, JsonMapper json) {
        this.state = state;
        this.json = json;
    }

    Response stats(Request request) {
        return Response.json(200, state.stats());
    }

    Response fault(Request request) {
        if (!request.isPost()) {
            return Response.error(405, "invalid_request");
        }
        SandboxJson.FaultSwitch change = read(request, SandboxJson.FaultSwitch.class)
                .orElse(new SandboxJson.FaultSwitch(null, null, null));
        if (!valid(change)) {
            return Response.error(400, "expected {status: 0 or 400-599, seconds, retry_after?}");
        }
        long seconds = change.seconds() == null ? 0 : change.seconds();
        state.fault(change.status().intValue(), Duration.ofSeconds(seconds),
                Optional.ofNullable(change.retryAfter()).map(Duration::ofSeconds));
        return Response.json(200, new SandboxJson.FaultSet(change.status(), seconds));
    }

    Response delay(Request request) {
        Optional<Long> millis = read(request, SandboxJson.Delay.class).map(SandboxJson.Delay::millis)
                .filter(value -> value >= 0);
        if (!request.isPost() || millis.isEmpty()) {
            return Response.error(400, "expected POST {millis}");
        }
        state.setResponseDelay(Duration.ofMillis(millis.get()));
        return Response.json(200, new SandboxJson.Delay(millis.get()));
    }

    /** POST mints a refresh token; GET tells what became of the newest ones issued. */
    Response refreshTokens(Request request) {
        if ("GET".equals(request.method())) {
            RefreshTokenLedger ledger = state.refreshTokens();
            return Response.json(200, new SandboxJson.RefreshTokens(ledger.reuseGrace().toMillis(),
                    ledger.newest(LEDGER_LIMIT)));
        }
        if (!request.isPost()) {
            return Response.error(405, "invalid_request");
        }
        return Response.json(201, new SandboxJson.MintedRefreshToken(state.issueRefreshToken()));
    }

    /** POST {held} holds or releases new token requests; either method reports the hold and what is in flight. */
    Response hold(Request request) {
        if (request.isPost()) {
            Optional<Boolean> held = read(request, SandboxJson.HoldSwitch.class).map(SandboxJson.HoldSwitch::held);
            if (held.isEmpty()) {
                return Response.error(400, "expected POST {held: true or false}");
            }
            if (held.get()) {
                state.hold().hold();
            } else {
                state.hold().release();
            }
        }
        return Response.json(200, state.hold().status());
    }

    Response reuseGrace(Request request) {
        Optional<Long> seconds = read(request, SandboxJson.ReuseGrace.class).map(SandboxJson.ReuseGrace::seconds)
                .filter(value -> value >= 0);
        if (!request.isPost() || seconds.isEmpty()) {
            return Response.error(400, "expected POST {seconds}");
        }
        state.refreshTokens().reuseGrace(Duration.ofSeconds(seconds.get()));
        return Response.json(200, new SandboxJson.ReuseGrace(seconds.get()));
    }

    private static boolean valid(SandboxJson.FaultSwitch change) {
        Long status = change.status();
        if (status == null || negative(change.seconds()) || negative(change.retryAfter())) {
            return false;
        }
        return status == 0 || status >= 400 && status <= 599 && change.seconds() != null;
    }

    private static boolean negative(Long value) {
        return value != null && value < 0;
    }

    private <T> Optional<T> read(Request request, Class<T> type) {
        try {
            return Optional.ofNullable(json.readValue(request.body(), type));
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }
}
