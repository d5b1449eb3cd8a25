package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.port.out.ConnectAttempts.Taken;
import io.tokenbroker.domain.connect.ConnectLink;
import io.tokenbroker.domain.connect.PendingConsent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConnectAttempts} adapter must do. Digests are random per test; expiries lie an hour ahead of the
 * adapter's clock, which is the system clock unless the adapter's own test says otherwise.
 */
public abstract class ConnectAttemptsContract {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "books");

    private ConnectAttempts attempts;
    private String digest;
    private Instant expiresAt;

    protected abstract ConnectAttempts newAttempts();

    /** Now, as the adapter's clock sees it. */
    protected Instant now() {
        return Instant.now();
    }

    @BeforeEach
    void create() {
        attempts = newAttempts();
        digest = UUID.randomUUID().toString().replace("-", "");
        expiresAt = now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    }

    private ConnectLink link(Optional<URI> returnUrl) {
        return new ConnectLink(KEY, returnUrl, List.of("com.intuit.quickbooks.accounting", "openid"), expiresAt,
                false);
    }

    private PendingConsent pending(Optional<URI> returnUrl) {
        return new PendingConsent(KEY, "link-" + digest, "browser-" + digest, Secret.of("verifier-" + digest),
                returnUrl, expiresAt);
    }

    @Test
    void aSavedLinkIsFoundAsSavedAndAnUnknownOneIsNot() {
        ConnectLink link = link(Optional.of(URI.create("https://app.test/done?x=1")));
        attempts.saveLink(digest, link);

        assertEquals(Optional.of(link), attempts.findLink(digest));
        assertEquals(Optional.empty(), attempts.findLink("unknown-" + digest));
        attempts.saveLink("bare-" + digest, link(Optional.empty()));
        assertEquals(Optional.of(link(Optional.empty())), attempts.findLink("bare-" + digest));
    }

    @Test
    void aLinkCompletesOnceAndIsThenFoundCompleted() {
        attempts.saveLink(digest, link(Optional.empty()));

        assertTrue(attempts.completeLink(digest));
        assertFalse(attempts.completeLink(digest));
        assertTrue(attempts.findLink(digest).orElseThrow().completed());
        assertFalse(attempts.completeLink("unknown-" + digest));
    }

    @Test
    void aStateIsTakenFreshOnceThenAgainAndAnUnknownOneNever() {
        PendingConsent consent = pending(Optional.of(URI.create("https://app.test/done")));
        attempts.savePending(digest, consent);

        Taken first = attempts.takePending(digest);
        Taken second = attempts.takePending(digest);

        assertEquals(new Taken.Fresh(consent), first);
        assertEquals(new Taken.Again(consent), second);
        assertEquals(consent.verifier(), ((Taken.Fresh) first).consent().verifier());
        assertInstanceOf(Taken.Unknown.class, attempts.takePending("unknown-" + digest));
    }

    @Test
    void ofConcurrentCompletionsAndTakesExactlyOneWins() throws Exception {
        attempts.saveLink(digest, link(Optional.empty()));
        attempts.savePending(digest, pending(Optional.empty()));

        assertEquals(1, race(() -> attempts.completeLink(digest)));
        assertEquals(1, race(() -> attempts.takePending(digest) instanceof Taken.Fresh));
    }

    private static long race(Callable<Boolean> call) throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            long wins = 0;
            for (Future<Boolean> result : results) {
                wins += result.get() ? 1 : 0;
            }
            return wins;
        } finally {
            pool.shutdownNow();
        }
    }
}
