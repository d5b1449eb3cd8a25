package io.tokenbroker.bootstrap.demo.sandbox;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every refresh token the sandbox issued and what became of it: when it was issued and from which token, when it
 * was first redeemed, and each later presentation it refused. A drill that loses a rotated token reads here whether
 * the lost token was issued while the client was alive (and never presented: the client's loss) or answered to a
 * client that died with the call in flight. Tokens are numbered in issue order; the values never leave the sandbox.
 *
 * <p>A reuse grace (0 by default: each token works once) accepts a redeemed token again for that long after its
 * first redemption, as Okta's grace period and Auth0's reuse interval do; each such redemption issues a new token.
 * The ledger keeps the newest {@link #CAPACITY} tokens: an older one is forgotten, and refused like one never issued.
 */
final class RefreshTokenLedger {

    /** What became of one refresh token; {@code redeemedAt} is -1 until it is redeemed. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record Entry(long number, long parent, long issuedAt, long redeemedAt, int reused, List<Long> refusedAt) {
    }

    /** A long-running sandbox rotating all day stays bounded; a drill issues a few hundred. */
    static final int CAPACITY = 100_000;

    private final Clock clock;
    private final Map<String, Entry> byToken = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAPACITY;
        }
    };
    private long issued;
    private Duration reuseGrace = Duration.ZERO;

    RefreshTokenLedger(Clock clock) {
        this.clock = clock;
    }

    /** Records a token issued by redeeming {@code parent} (0: minted, or by an authorization code). */
    synchronized void issued(String token, long parent) {
        issued++;
        byToken.put(token, new Entry(issued, parent, clock.millis(), -1, 0, List.of()));
    }

    /** The number of the token redeemed, if it is live or inside its reuse grace; else the refusal is recorded. */
    synchronized Optional<Long> redeem(String token) {
        Entry entry = byToken.get(token);
        if (entry == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (entry.redeemedAt() < 0) {
            byToken.put(token, new Entry(entry.number(), entry.parent(), entry.issuedAt(), now, 0, entry.refusedAt()));
            return Optional.of(entry.number());
        }
        if (now - entry.redeemedAt() < reuseGrace.toMillis()) {
            byToken.put(token, new Entry(entry.number(), entry.parent(), entry.issuedAt(), entry.redeemedAt(),
                    entry.reused() + 1, entry.refusedAt()));
            return Optional.of(entry.number());
        }
        List<Long> refused = new ArrayList<>(entry.refusedAt());
        refused.add(now);
        byToken.put(token, new Entry(entry.number(), entry.parent(), entry.issuedAt(), entry.redeemedAt(),
                entry.reused(), List.copyOf(refused)));
        return Optional.empty();
    }

    synchronized void reuseGrace(Duration grace) {
        this.reuseGrace = grace;
    }

    synchronized Duration reuseGrace() {
        return reuseGrace;
    }

    /** The newest {@code limit} entries, oldest first. */
    synchronized List<Entry> newest(int limit) {
        List<Entry> all = new ArrayList<>(byToken.values());
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }
}
