package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.CircuitStates;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.ConnectionStatus;
import io.tokenbroker.application.port.in.ConnectionStatus.Health;
import io.tokenbroker.application.port.in.ListConnectionStatus;
import io.tokenbroker.application.port.in.ReadConnectionStatus;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Derives a connection's health from what the broker already keeps: the cached token (against the refresh policy),
 * the re-authorisation mark, the circuit, and the newest refresh-log rows. Reads only; never calls the upstream.
 */
public final class ConnectionStatusService implements ReadConnectionStatus, ListConnectionStatus {

    /** How far back consecutive failures are counted; more than this is reported as this. */
    static final int FAILURE_WINDOW = 20;
    /** Page size while walking every visible connection for the summary. */
    private static final int SUMMARY_PAGE = 500;

    private final Connections connections;
    private final TokenStore tokens;
    private final RefreshLog refreshLog;
    private final Reauthorisations reauthorisations;
    private final CircuitStates circuits;
    private final RefreshPolicy policy;
    private final Clock clock;

    public ConnectionStatusService(Connections connections, TokenStore tokens, RefreshLog refreshLog,
                                   Reauthorisations reauthorisations, CircuitStates circuits, RefreshPolicy policy,
                                   Clock clock) {
        this.connections = connections;
        this.tokens = tokens;
        this.refreshLog = refreshLog;
        this.reauthorisations = reauthorisations;
        this.circuits = circuits;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public ConnectionStatus status(ReadConnectionStatus.Query query) {
        return StoreOutages.translated(() -> {
            if (connections.find(query.key()).isEmpty()) {
                throw new ConnectionNotFoundException(query.key());
            }
            return statusOf(query.key(), clock.instant());
        });
    }

    @Override
    public Page list(ListConnectionStatus.Query query) {
        return StoreOutages.translated(() -> {
            Instant now = clock.instant();
            List<ConnectionKey> keys = connections.list(query.tenants(), query.after(), query.limit());
            List<ConnectionStatus> page = keys.stream().map(key -> statusOf(key, now)).toList();
            // A full page may be followed by more; an empty next page is cheaper than a count query.
            Optional<ConnectionKey> next = keys.size() == query.limit() ? Optional.of(keys.get(keys.size() - 1))
                    : Optional.empty();
            return new Page(page, next, summary(query, now));
        });
    }

    private Summary summary(ListConnectionStatus.Query query, Instant now) {
        Map<Health, Long> counts = new EnumMap<>(Health.class);
        long total = 0;
        Optional<ConnectionKey> after = Optional.empty();
        while (true) {
            List<ConnectionKey> keys = connections.list(query.tenants(), after, SUMMARY_PAGE);
            for (ConnectionKey key : keys) {
                counts.merge(statusOf(key, now).health(), 1L, Long::sum);
                total++;
            }
            if (keys.size() < SUMMARY_PAGE) {
                return new Summary(total, counts);
            }
            after = Optional.of(keys.get(keys.size() - 1));
        }
    }

    private ConnectionStatus statusOf(ConnectionKey key, Instant now) {
        Optional<AccessToken> cached = tokens.find(key);
        Optional<AccessToken> servable = cached.filter(token -> policy.isServable(token, now));
        List<RefreshAttempt> recent = refreshLog.recent(key, FAILURE_WINDOW);
        int failures = 0;
        while (failures < recent.size() && recent.get(failures).outcome() == RefreshAttempt.Outcome.FAILURE) {
            failures++;
        }
        CircuitBreaker.State circuit = circuits.circuitState(key);
        boolean due = servable.map(token -> policy.isDueForRefresh(token, now)).orElse(true);
        Health health;
        if (reauthorisations.find(key).isPresent()) {
            health = Health.NEEDS_REAUTH;
        } else if (connections.find(key).filter(Connection::awaitsConnect).isPresent()) {
            health = Health.NOT_CONNECTED;
        } else if (circuit != CircuitBreaker.State.CLOSED || failures > 0) {
            health = Health.FAILING;
        } else if (servable.isEmpty()) {
            health = Health.EXPIRED;
        } else if (due) {
            health = Health.EXPIRING;
        } else {
            health = Health.HEALTHY;
        }
        Optional<Instant> expiresAt = cached.map(AccessToken::expiresAt);
        Optional<Duration> untilExpiry = expiresAt.map(at -> {
            Duration left = Duration.between(now, at);
            return left.isNegative() ? Duration.ZERO : left;
        });
        return new ConnectionStatus(key, health, expiresAt, untilExpiry, due, circuit,
                recent.isEmpty() ? Optional.empty() : Optional.of(recent.get(0)), failures,
                connections.refreshTokenExpiresAt(key));
    }
}
