package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KeyRevocations} adapter must do: announcing never fails the revocation it follows, and the other
 * instances (when the adapter has any to tell) hear each announced key once, in order.
 */
public abstract class KeyRevocationsContract {

    private static final ApiKeyId FIRST = new ApiKeyId("0123456789abcdef");
    private static final ApiKeyId SECOND = new ApiKeyId("fedcba9876543210");

    private KeyRevocations revocations;

    /** The adapter under test; called once per test. */
    protected abstract KeyRevocations revocations();

    /** Whether this adapter tells other instances at all; one for a single instance has no one to tell. */
    protected abstract boolean tellsOtherInstances();

    /**
     * What another instance has heard once {@code count} announcements reached it, oldest first; waits for them (on a
     * condition, bounded) when the adapter tells other instances, and returns at once when it does not.
     */
    protected abstract List<ApiKeyId> heardElsewhere(int count) throws InterruptedException;

    @BeforeEach
    void create() {
        revocations = revocations();
    }

    @Test
    void announcingTheSameKeyTwiceIsFine() throws InterruptedException {
        revocations.announce(FIRST);
        revocations.announce(FIRST);

        assertEquals(tellsOtherInstances() ? List.of(FIRST, FIRST) : List.of(), heardElsewhere(2));
    }

    @Test
    void theOtherInstancesHearEveryAnnouncedKeyInOrder() throws InterruptedException {
        revocations.announce(FIRST);
        revocations.announce(SECOND);

        assertEquals(tellsOtherInstances() ? List.of(FIRST, SECOND) : List.of(), heardElsewhere(2));
    }
}
