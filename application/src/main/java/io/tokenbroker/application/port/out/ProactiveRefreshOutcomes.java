package io.tokenbroker.application.port.out;

import java.time.Duration;

/**
 * Told what the refresh-ahead scheduler did, for operational metrics: how late each entry it claimed was taken, and
 * how each ended. Called on the scheduler's threads, so an implementation must not block and must not throw; it never
 * sees a tenant, a connection or a token.
 */
public interface ProactiveRefreshOutcomes {

    /** How a claimed entry ended. */
    enum Outcome {
        /** The token was renewed ahead of need (or found renewed by another holder). */
        REFRESHED,
        /** The refresh failed; the entry backs off. */
        FAILED,
        /** Nobody asked for the connection lately: not refreshed, dropped or parked until its keep-alive point. */
        IDLE,
        /** An idle connection was refreshed so that its refresh token does not expire. */
        KEPT_ALIVE,
        /** The connection was removed or awaits re-authorisation: dropped from the schedule. */
        GONE
    }

    /** An entry was claimed {@code lag} after it was due (zero when on time). */
    void claimed(Duration lag);

    void finished(Outcome outcome);

    /** Records nothing: the default where nobody measures. */
    static ProactiveRefreshOutcomes ignore() {
        return new ProactiveRefreshOutcomes() {
            @Override
            public void claimed(Duration lag) {
            }

            @Override
            public void finished(Outcome outcome) {
            }
        };
    }
}
