package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.CompleteConsent;
import io.tokenbroker.application.port.out.AuthorizationCodes;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connect.Handle;
import io.tokenbroker.domain.connect.PendingConsent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The callback of the connect flow. The state is taken once and must come back in the browser that started it
 * (its cookie); only then is the browser told anything about the connection. A provider's {@code error} ends the
 * attempt with that RFC 6749 code and changes nothing; a code is redeemed under the connection's lease
 * ({@link ConsentExchange}), so the consented refresh token is stored fenced like a rotation.
 */
public final class ConsentCallbackService implements CompleteConsent {

    /** RFC 6749 section 4.1.2.1: the only error codes passed on; anything else becomes {@code server_error}. */
    private static final Set<String> AUTHORIZE_ERRORS = Set.of("invalid_request", "unauthorized_client",
            "access_denied", "unsupported_response_type", "invalid_scope", "server_error", "temporarily_unavailable");
    private static final Pattern CODE = Pattern.compile("[\\x21-\\x7e]{1,2048}");

    /** The out-ports the callback uses. */
    public record Ports(ConnectAttempts attempts, Connections connections, AuthorizationCodes codes, LockManager locks,
                        TokenStore tokens, Reauthorisations reauthorisations, RefreshLog refreshLog,
                        ConnectionEvents events) {
        public Ports {
            Objects.requireNonNull(attempts, "attempts");
            Objects.requireNonNull(connections, "connections");
            Objects.requireNonNull(codes, "codes");
            Objects.requireNonNull(locks, "locks");
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(reauthorisations, "reauthorisations");
            Objects.requireNonNull(refreshLog, "refreshLog");
            Objects.requireNonNull(events, "events");
        }
    }

    private final ConnectAttempts attempts;
    private final LockManager locks;
    private final LeaseSettings lease;
    private final ConsentExchange exchange;
    private final Clock clock;

    public ConsentCallbackService(Ports ports, ConnectSettings settings, RefreshPolicy policy, LeaseSettings lease,
                                  Clock clock) {
        this.attempts = ports.attempts();
        this.locks = ports.locks();
        this.lease = lease;
        this.exchange = new ConsentExchange(ports, settings, policy, clock);
        this.clock = clock;
    }

    @Override
    public Completion complete(Command command) {
        Optional<Handle> state = command.state().flatMap(Handle::presented);
        if (state.isEmpty()) {
            return new Refused(Reason.UNKNOWN_STATE);
        }
        return StoreOutages.translated(() -> {
            ConnectAttempts.Taken taken = attempts.takePending(state.get().digest());
            if (taken instanceof ConnectAttempts.Taken.Fresh fresh) {
                return fromThisBrowser(command, fresh.consent()) ? answer(command, fresh.consent())
                        : new Refused(Reason.OTHER_BROWSER);
            }
            if (taken instanceof ConnectAttempts.Taken.Again again) {
                return fromThisBrowser(command, again.consent())
                        ? returned(again.consent(), Optional.of("replayed")) : new Refused(Reason.OTHER_BROWSER);
            }
            return new Refused(Reason.UNKNOWN_STATE);
        });
    }

    private static boolean fromThisBrowser(Command command, PendingConsent consent) {
        return command.browser().flatMap(Handle::presented)
                .filter(browser -> browser.hasDigest(consent.browserDigest())).isPresent();
    }

    private Completion answer(Command command, PendingConsent consent) {
        if (consent.expiredAt(clock.instant())) {
            return returned(consent, Optional.of("expired"));
        }
        if (command.error().isPresent()) {
            String code = command.error().filter(AUTHORIZE_ERRORS::contains).orElse("server_error");
            return returned(consent, Optional.of(code));
        }
        Optional<String> code = command.code().filter(value -> CODE.matcher(value).matches());
        if (code.isEmpty()) {
            return returned(consent, Optional.of("invalid_request"));
        }
        // Claimed before the exchange: a link completes at most one authorization, even when two race.
        if (!attempts.completeLink(consent.linkDigest())) {
            return returned(consent, Optional.of("replayed"));
        }
        ConnectionKey key = consent.key();
        Optional<Lease> acquired = locks.acquire(key, lease.ttl(), lease.maxWait());
        if (acquired.isEmpty()) {
            return returned(consent, Optional.of("temporarily_unavailable"));
        }
        try (Lease held = acquired.get()) {
            return returned(consent, exchange.redeem(consent, code.get(), command, held));
        }
    }

    private static Returned returned(PendingConsent consent, Optional<String> error) {
        return new Returned(consent.key(), consent.returnUrl(), error);
    }
}
