package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RefreshSchedule} must do; an adapter test returns one over empty storage. */
public abstract class RefreshScheduleContract {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final ConnectionKey A = ConnectionKey.of("acme", "a");
    private static final ConnectionKey B = ConnectionKey.of("acme", "b");
    private static final ConnectionKey C = ConnectionKey.of("acme", "c");

    private RefreshSchedule schedule;

    protected abstract RefreshSchedule newSchedule();

    @BeforeEach
    void createSchedule() {
        schedule = newSchedule();
    }

    @Test
    void claimTakesOnlyWhatIsDueSoonestFirstAndRemovesIt() {
        schedule.schedule(new Entry(A, T0.plusSeconds(30), 0));
        schedule.schedule(new Entry(B, T0.plusSeconds(10), 0));
        schedule.schedule(new Entry(C, T0.plusSeconds(60), 2));

        assertEquals(List.of(), schedule.claimDue(T0, 10));
        assertEquals(List.of(new Entry(B, T0.plusSeconds(10), 0), new Entry(A, T0.plusSeconds(30), 0)),
                schedule.claimDue(T0.plusSeconds(30), 10), "due exactly at now counts");
        assertEquals(List.of(), schedule.claimDue(T0.plusSeconds(30), 10), "claimed entries are gone");
        assertEquals(1, schedule.size());
    }

    @Test
    void claimTakesAtMostMax() {
        schedule.schedule(new Entry(A, T0, 0));
        schedule.schedule(new Entry(B, T0.plusSeconds(1), 0));
        schedule.schedule(new Entry(C, T0.plusSeconds(2), 0));

        assertEquals(List.of(new Entry(A, T0, 0), new Entry(B, T0.plusSeconds(1), 0)),
                schedule.claimDue(T0.plusSeconds(5), 2));
        assertEquals(List.of(new Entry(C, T0.plusSeconds(2), 0)), schedule.claimDue(T0.plusSeconds(5), 2));
    }

    @Test
    void schedulingAgainReplacesTheEntry() {
        schedule.schedule(new Entry(A, T0, 0));
        schedule.schedule(new Entry(A, T0.plusSeconds(100), 3));

        assertEquals(List.of(), schedule.claimDue(T0.plusSeconds(50), 10));
        assertEquals(List.of(new Entry(A, T0.plusSeconds(100), 3)), schedule.claimDue(T0.plusSeconds(100), 10));
    }

    @Test
    void removeDropsTheEntryAndIgnoresUnknownOnes() {
        schedule.schedule(new Entry(A, T0, 0));

        schedule.remove(A);
        schedule.remove(B);

        assertEquals(List.of(), schedule.claimDue(T0.plusSeconds(1), 10));
        assertEquals(0, schedule.size());
    }

    @Test
    void concurrentClaimersNeverGetTheSameEntry() throws InterruptedException {
        List<ConnectionKey> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(ConnectionKey.of("acme", "c" + i));
            schedule.schedule(new Entry(keys.get(i), T0.plusMillis(i), 0));
        }
        Set<ConnectionKey> claimed = ConcurrentHashMap.newKeySet();
        List<ConnectionKey> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            new Thread(() -> {
                List<Entry> batch;
                while (!(batch = schedule.claimDue(T0.plusSeconds(1), 7)).isEmpty()) {
                    batch.forEach(entry -> {
                        if (!claimed.add(entry.key())) {
                            duplicates.add(entry.key());
                        }
                    });
                }
                done.countDown();
            }).start();
        }

        assertEquals(true, done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(), duplicates);
        assertEquals(Set.copyOf(keys), claimed);
    }
}
