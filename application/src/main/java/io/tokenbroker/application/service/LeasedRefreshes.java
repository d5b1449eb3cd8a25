package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectRequiredException;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One refresh of a connection under its lease across processes. The cache is read again under the lease because the
 * previous holder has usually just filled it, and a wait for another instance's lease ends when that holder announces
 * its token, with one read of it and no lease ({@link LockManager}). A connection marked for re-authorisation is
 * refused without a call; a refused refresh token is tried once more when another holder rotated it meanwhile, and
 * otherwise marks the connection for re-authorisation ({@link RefusedGrants}). How the upstream is called is
 * {@link UpstreamCalls}' policy, what becomes of a grant {@link GrantStorage}'s.
 */
final class LeasedRefreshes {

    private static final System.Logger LOG = System.getLogger(LeasedRefreshes.class.getName());

    /** What a refresh talks to besides the upstream. */
    record Parts(TokenStore tokens, Connections connections, LockManager locks, Reauthorisations reauthorisations,
                 UpstreamCalls upstream, RefusedGrants refused, GrantStorage storage) {
    }

    private final TokenStore tokens;
    private final Connections connections;
    private final LockManager locks;
    private final Reauthorisations reauthorisations;
    private final UpstreamCalls upstream;
    private final RefusedGrants refused;
    private final GrantStorage storage;
    private final RefreshPolicy policy;
    private final LeaseSettings lease;
    private final Clock clock;

    LeasedRefreshes(Parts parts, RefreshPolicy policy, LeaseSettings lease, Clock clock) {
        this.tokens = parts.tokens();
        this.connections = parts.connections();
        this.locks = parts.locks();
        this.reauthorisations = parts.reauthorisations();
        this.upstream = parts.upstream();
        this.refused = parts.refused();
        this.storage = parts.storage();
        this.policy = policy;
        this.lease = lease;
        this.clock = clock;
    }

    /**
     * A request takes a token another holder cached meanwhile, if it lasts as long as the request needs; a proactive
     * refresh one renewed lately (another instance's schedule may have renewed it a moment ago: ahead of need, once is
     * enough), not merely one not yet due, which a refresh started a little early would leave; a manual refresh calls
     * the upstream regardless.
     */
    private Optional<AccessToken> renewedMeanwhile(ConnectionKey key, Trigger trigger, Duration minValidFor) {
        return switch (trigger) {
            case REQUEST -> tokens.find(key).filter(token -> servesRequest(token, minValidFor));
            case PROACTIVE -> tokens.find(key).filter(token -> policy.isFreshlyRenewed(token, clock.instant()));
            case MANUAL, INVALIDATE, CONNECT -> Optional.empty();
        };
    }

    private boolean servesRequest(AccessToken token, Duration minValidFor) {
        return policy.isServable(token, clock.instant(), minValidFor);
    }

    /**
     * The lease, unless a holder on another instance announces a token that serves meanwhile: then empty, with that
     * token in {@code elsewhere}. A request's check reads without blocking, started by whichever thread heard the
     * announcement, and hands the token to the flight's other callers from the thread of the reply: neither the read
     * nor they wait for this thread to wake first.
     */
    private Optional<Lease> leaseUnlessDoneElsewhere(ConnectionKey key, Trigger trigger, Duration minValidFor,
                                                     Consumer<AccessToken> landed,
                                                     AtomicReference<AccessToken> elsewhere) {
        if (trigger == Trigger.REQUEST) {
            return locks.acquireUnlessDone(key, lease.ttl(), lease.maxWait(), () -> tokens.lookupWithoutBlocking(key)
                    .thenApply(found -> {
                        Optional<AccessToken> serving = found.map(TokenStore.Found::token)
                                .filter(token -> servesRequest(token, minValidFor));
                        serving.ifPresent(token -> {
                            elsewhere.set(token);
                            landed.accept(token);
                        });
                        return serving.isPresent();
                    }));
        }
        return locks.acquire(key, lease.ttl(), lease.maxWait(), () -> {
            renewedMeanwhile(key, trigger, minValidFor).ifPresent(elsewhere::set);
            return elsewhere.get() != null;
        });
    }

    /**
     * Nothing to read under a lease granted over a shared store that held no token, unless this process keeps one
     * in memory (stored while the shared store was unreachable): what {@link #renewedMeanwhile} would find then costs
     * no round trip.
     */
    private boolean storeHeldNoToken(Lease held) {
        return held.noTokenStoredAtGrant() && tokens.lookupInMemory(held.key()).isEmpty();
    }

    /** @param landed told of the token as soon as it is stored, before the lease is released */
    AccessToken underLease(ConnectionKey key, Trigger trigger, Duration minValidFor, Consumer<AccessToken> landed) {
        if (connections.find(key).isEmpty()) {
            throw new ConnectionNotFoundException(key);
        }
        upstream.refuseWhileOpen(key);
        // A holder on another instance announces its token: the wait ends with one read of it, not with the lease.
        AtomicReference<AccessToken> elsewhere = new AtomicReference<>();
        Optional<Lease> acquired = leaseUnlessDoneElsewhere(key, trigger, minValidFor, landed, elsewhere);
        if (acquired.isEmpty()) {
            if (elsewhere.get() != null) {
                return elsewhere.get();
            }
            throw new TokenUnavailableException("a refresh of " + key + " is still running elsewhere",
                    Optional.of(Duration.ofSeconds(1)));
        }
        try (Lease held = acquired.get()) {
            Optional<AccessToken> renewed = storeHeldNoToken(held) ? Optional.empty()
                    : renewedMeanwhile(key, trigger, minValidFor);
            if (renewed.isPresent()) {
                landed.accept(renewed.get());
                return renewed.get();
            }
            Optional<Reauthorisations.Needed> needed = reauthorisations.find(key);
            if (needed.isPresent()) {
                throw new ReauthorisationNeededException(key, needed.get().since());
            }
            // Read under the lease: the previous holder may have rotated the refresh token.
            Connection connection = connections.find(key).orElseThrow(() -> new ConnectionNotFoundException(key));
            if (connection.awaitsConnect()) {
                throw new ConnectRequiredException(key);
            }
            return refresh(connection, held, trigger, landed);
        }
    }

    private AccessToken refresh(Connection readUnderLease, Lease held, Trigger trigger,
                                Consumer<AccessToken> landed) {
        ConnectionKey key = readUnderLease.key();
        RefreshAttempts attempts = upstream.begin(key, trigger, held.fence());
        Connection connection = readUnderLease;
        boolean triedRotatedToken = false;
        while (true) {
            Optional<RefreshAttempts.Granted> granted = attempts.next(connection);
            if (granted.isPresent()) {
                return storage.stored(connection, granted.get(), attempts, held, trigger, landed);
            }
            Optional<Connection> rotated = refused.rotatedMeanwhile(connection, attempts.failed().failure());
            if (rotated.isPresent() && !triedRotatedToken && held.fence() > connections.highestFence(key)) {
                // The provider counts this as a reuse of a redeemed token; which instance read it stale, and when,
                // is what explains a refused redemption in the provider's log.
                LOG.log(Level.WARNING, "the refresh token of {0} presented was rotated by another holder after it "
                        + "was read; trying the stored one", key);
                connection = rotated.get();
                triedRotatedToken = true;
                attempts.tryAgain();
                continue;
            }
            attempts.giveUp();
            throw refused.forCaller(connection, attempts.failed().failure(), rotated.isPresent());
        }
    }
}
