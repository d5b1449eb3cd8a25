package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Claim;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.application.port.out.RefreshSchedule.Warned;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RefreshSchedule} must do; an adapter test returns one over empty storage. Two schedules over the
 * same storage stand for two instances: {@link #sameStorage()} gives the second one.
 */
public abstract class RefreshScheduleContract {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant ISSUED = T0.minusSeconds(3600);
    private static final Duration CLAIM = Duration.ofMinutes(1);
    private static final ConnectionKey A = ConnectionKey.of("acme", "a");
    private static final ConnectionKey B = ConnectionKey.of("acme", "b");
    private static final ConnectionKey C = ConnectionKey.of("globex", "c");

    private RefreshSchedule schedule;

    /** A schedule over empty storage. */
    protected abstract RefreshSchedule newSchedule();

    /** Another schedule over the storage of the last {@link #newSchedule()}, as a second instance would have. */
    protected abstract RefreshSchedule sameStorage();

    @BeforeEach
    void createSchedule() {
        schedule = newSchedule();
    }

    private static Entry entry(ConnectionKey key, Instant due) {
        return entry(key, due, ISSUED);
    }

    private static Entry entry(ConnectionKey key, Instant due, Instant issued) {
        return new Entry(key, due, 0, issued, issued.plus(Duration.ofHours(1)), Warned.NOTHING);
    }

    private List<Claim> claim(Instant now, int max) {
        return schedule.claimDue(now, max, now.plus(CLAIM));
    }

    private static List<Entry> entries(List<Claim> claims) {
        return claims.stream().map(Claim::entry).toList();
    }

    @Test
    void claimTakesOnlyWhatIsDueSoonestFirst() {
        schedule.schedule(entry(A, T0.plusSeconds(30)));
        schedule.schedule(entry(B, T0.plusSeconds(10)));
        schedule.schedule(entry(C, T0.plusSeconds(60)));

        assertEquals(List.of(), claim(T0, 10));
        assertEquals(List.of(entry(B, T0.plusSeconds(10)), entry(A, T0.plusSeconds(30))),
                entries(claim(T0.plusSeconds(30), 10)), "due exactly at now counts");
        assertEquals(List.of(), claim(T0.plusSeconds(30), 10), "claimed entries are not handed out twice");
        assertEquals(3, schedule.size(), "claimed entries still count");
    }

    @Test
    void claimTakesAtMostMax() {
        schedule.schedule(entry(A, T0));
        schedule.schedule(entry(B, T0.plusSeconds(1)));
        schedule.schedule(entry(C, T0.plusSeconds(2)));

        assertEquals(List.of(entry(A, T0), entry(B, T0.plusSeconds(1))), entries(claim(T0.plusSeconds(5), 2)));
        assertEquals(List.of(entry(C, T0.plusSeconds(2))), entries(claim(T0.plusSeconds(5), 2)));
    }

    @Test
    void everyFieldOfAnEntryComesBackAsItWasPut() {
        Entry full = new Entry(A, T0.plusMillis(1_234), 7, ISSUED.plusMillis(5), ISSUED.plusSeconds(30),
                Warned.NEAR_EXPIRY);
        Entry expired = new Entry(B, T0, 2, ISSUED, ISSUED.plusSeconds(30), Warned.EXPIRED);
        schedule.schedule(full);
        schedule.schedule(expired);

        assertEquals(List.of(expired, full), entries(claim(T0.plusSeconds(2), 10)));
    }

    @Test
    void dueTimesAreKeptToTheMillisecondAndNeverClaimedEarly() {
        schedule.schedule(entry(A, T0.plusNanos(1)));

        assertEquals(List.of(), claim(T0, 10), "rounded up, not down");
        assertEquals(List.of(entry(A, T0.plusMillis(1))), entries(claim(T0.plusMillis(1), 10)));
    }

    @Test
    void schedulingAgainReplacesTheEntry() {
        schedule.schedule(entry(A, T0));
        schedule.schedule(new Entry(A, T0.plusSeconds(100), 3, ISSUED, ISSUED.plusSeconds(3600), Warned.NOTHING));

        assertEquals(List.of(), claim(T0.plusSeconds(50), 10));
        assertEquals(List.of(new Entry(A, T0.plusSeconds(100), 3, ISSUED, ISSUED.plusSeconds(3600), Warned.NOTHING)),
                entries(claim(T0.plusSeconds(100), 10)));
        assertEquals(1, schedule.size());
    }

    @Test
    void schedulingCompletesAClaim() {
        schedule.schedule(entry(A, T0));
        claim(T0, 10);

        schedule.schedule(entry(A, T0.plusSeconds(300)));

        assertEquals(List.of(), claim(T0.plus(CLAIM).plusSeconds(1), 10),
                "completed: the old claim's deadline no longer brings it back");
        assertEquals(List.of(entry(A, T0.plusSeconds(300))), entries(claim(T0.plusSeconds(300), 10)));
    }

    @Test
    void aClaimNotCompletedByItsDeadlineIsClaimableAgainAsItWas() {
        Entry failing = new Entry(A, T0, 2, ISSUED, ISSUED.plusSeconds(3600), Warned.NEAR_EXPIRY);
        schedule.schedule(failing);
        schedule.schedule(entry(B, T0.plusSeconds(20)));
        assertEquals(List.of(failing), entries(schedule.claimDue(T0, 1, T0.plusSeconds(30))));

        assertEquals(List.of(), entries(claim(T0.plusSeconds(10), 10)), "still claimed before its deadline");
        assertEquals(List.of(failing, entry(B, T0.plusSeconds(20))), entries(claim(T0.plusSeconds(30), 10)),
                "at the deadline it is claimable again, at its own due time, soonest first");
    }

    @Test
    void anotherInstanceNeverGetsAClaimedEntryAndTakesOverAnAbandonedOne() {
        RefreshSchedule other = sameStorage();
        schedule.schedule(entry(A, T0));
        schedule.schedule(entry(B, T0));
        assertEquals(List.of(entry(A, T0)), entries(schedule.claimDue(T0, 1, T0.plusSeconds(30))));

        assertEquals(List.of(entry(B, T0)), entries(other.claimDue(T0.plusSeconds(1), 10, T0.plusSeconds(31))));
        assertEquals(List.of(entry(A, T0)), entries(other.claimDue(T0.plusSeconds(30), 10, T0.plusSeconds(60))),
                "the first claimer never completed A");
    }

    @Test
    void anOfferPutsAnEntryWhereThereIsNone() {
        assertTrue(schedule.offer(entry(A, T0)));

        assertEquals(List.of(entry(A, T0)), entries(claim(T0, 10)));
    }

    @Test
    void anOfferLeavesAClaimedConnectionAlone() {
        schedule.schedule(entry(A, T0));
        claim(T0, 10);

        assertFalse(schedule.offer(entry(A, T0.plusSeconds(5), ISSUED.plusSeconds(1))), "even for a newer token");
        assertEquals(List.of(), claim(T0.plusSeconds(10), 10), "not queued again behind the claimer's back");
    }

    @Test
    void anOfferOfTheSameTokenOnlyMovesTheEntryEarlier() {
        schedule.schedule(entry(A, T0.plusSeconds(50)));
        schedule.schedule(entry(B, T0.plusSeconds(10)));

        assertTrue(schedule.offer(entry(A, T0.plusSeconds(20))), "earlier: e.g. a kept-alive idle connection in use again");
        assertFalse(schedule.offer(entry(B, T0.plusSeconds(40))), "later: the queued one already comes first");

        assertEquals(List.of(entry(B, T0.plusSeconds(10)), entry(A, T0.plusSeconds(20))),
                entries(claim(T0.plusSeconds(50), 10)));
    }

    @Test
    void anOfferOfTheSameTokenDoesNotUndoItsBackoff() {
        Entry backingOff = new Entry(A, T0.plusSeconds(40), 2, ISSUED, ISSUED.plusSeconds(3600), Warned.NOTHING);
        schedule.schedule(backingOff);

        assertFalse(schedule.offer(entry(A, T0)));

        assertEquals(List.of(), claim(T0.plusSeconds(39), 10));
        assertEquals(List.of(backingOff), entries(claim(T0.plusSeconds(40), 10)));
    }

    @Test
    void anOfferOfANewerTokenReplacesAnOlderTokensEntryEvenWhileItBacksOff() {
        schedule.schedule(new Entry(A, T0.plusSeconds(5), 1, ISSUED, ISSUED.plusSeconds(3600), Warned.NOTHING));
        schedule.schedule(entry(B, T0.plusSeconds(5)));
        Instant newer = ISSUED.plusSeconds(60);

        assertTrue(schedule.offer(entry(A, T0.plusSeconds(30), newer)));
        assertTrue(schedule.offer(entry(B, T0.plusSeconds(30), newer)));

        assertEquals(List.of(), claim(T0.plusSeconds(29), 10));
        assertEquals(List.of(entry(A, T0.plusSeconds(30), newer), entry(B, T0.plusSeconds(30), newer)),
                entries(claim(T0.plusSeconds(30), 10)));
    }

    @Test
    void anOfferOfAnOlderTokenNeverReplacesANewerTokensEntry() {
        Instant newer = ISSUED.plusSeconds(60);
        schedule.schedule(entry(A, T0.plusSeconds(30), newer));

        assertFalse(schedule.offer(entry(A, T0, ISSUED)));

        assertEquals(List.of(entry(A, T0.plusSeconds(30), newer)), entries(claim(T0.plusSeconds(30), 10)));
    }

    @Test
    void demandIsSharedAndKeepsTheLatestInstant() {
        RefreshSchedule other = sameStorage();
        schedule.schedule(entry(A, T0));
        schedule.schedule(entry(B, T0));

        schedule.recordDemand(A, T0.minusSeconds(60));
        other.recordDemand(A, T0.minusSeconds(10));
        schedule.recordDemand(A, T0.minusSeconds(30));

        assertEquals(List.of(new Claim(entry(A, T0), Optional.of(T0.minusSeconds(10))),
                new Claim(entry(B, T0), Optional.empty())), claim(T0, 10));
    }

    @Test
    void offerAskedRecordsTheDemandAndOffersEvenWhenTheOfferIsRefused() {
        assertTrue(schedule.offerAsked(entry(A, T0), T0.minusSeconds(30)), "nothing queued: put");
        assertFalse(schedule.offerAsked(entry(A, T0.plusSeconds(5)), T0.minusSeconds(10)),
                "the same token, due later: refused");
        schedule.offerAsked(entry(B, T0), T0.minusSeconds(20));
        schedule.offerAsked(entry(B, T0), T0.minusSeconds(40));

        assertEquals(List.of(new Claim(entry(A, T0), Optional.of(T0.minusSeconds(10))),
                new Claim(entry(B, T0), Optional.of(T0.minusSeconds(20)))), claim(T0, 10),
                "the refused offer's demand counts; the older demand does not replace a newer one");
        assertFalse(schedule.offerAsked(entry(A, T0), T0), "claimed: refused");
        schedule.schedule(entry(A, T0.plusSeconds(60)));
        assertEquals(List.of(Optional.of(T0)), claim(T0.plusSeconds(60), 10).stream()
                .filter(claim -> claim.entry().key().equals(A)).map(Claim::lastAsked).toList(),
                "demand recorded while it was claimed");
    }

    @Test
    void demandIsKeptToTheMillisecond() {
        schedule.schedule(entry(A, T0));

        schedule.recordDemand(A, T0.minusNanos(1_500_000));

        assertEquals(Optional.of(T0.minusMillis(2)), claim(T0, 10).get(0).lastAsked());
    }

    @Test
    void removeDropsTheEntryTheClaimAndTheDemandAndIgnoresUnknownOnes() {
        schedule.schedule(entry(A, T0));
        schedule.schedule(entry(B, T0));
        schedule.recordDemand(A, T0);
        schedule.claimDue(T0, 1, T0.plusSeconds(30));

        schedule.remove(A);
        schedule.remove(B);
        schedule.remove(C);

        assertEquals(List.of(), claim(T0.plusSeconds(60), 10), "nothing queued, no claim to come back");
        assertEquals(0, schedule.size());
        schedule.schedule(entry(A, T0));
        assertEquals(Optional.empty(), claim(T0, 10).get(0).lastAsked(), "its demand went with it");
    }

    @Test
    void concurrentClaimersNeverGetTheSameEntry() throws InterruptedException {
        RefreshSchedule other = sameStorage();
        List<ConnectionKey> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(ConnectionKey.of("acme", "c" + i));
            schedule.schedule(entry(keys.get(i), T0.plusMillis(i)));
        }
        Set<ConnectionKey> claimed = ConcurrentHashMap.newKeySet();
        List<ConnectionKey> duplicates = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            RefreshSchedule claimer = t % 2 == 0 ? schedule : other;
            new Thread(() -> {
                List<Claim> batch;
                while (!(batch = claimer.claimDue(T0.plusSeconds(1), 7, T0.plusSeconds(60))).isEmpty()) {
                    batch.forEach(claim -> {
                        if (!claimed.add(claim.entry().key())) {
                            duplicates.add(claim.entry().key());
                        }
                    });
                }
                done.countDown();
            }).start();
        }

        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(), duplicates);
        assertEquals(Set.copyOf(keys), claimed);
    }
}
