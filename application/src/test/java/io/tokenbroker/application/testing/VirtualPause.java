package io.tokenbroker.application.testing;

import io.tokenbroker.application.port.out.Pause;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Pause} that moves a {@link TestClock} instead of waiting, and remembers every pause it was asked for. */
public final class VirtualPause implements Pause {

    private final TestClock clock;
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();

    public VirtualPause(TestClock clock) {
        this.clock = clock;
    }

    @Override
    public void pause(Duration duration) {
        pauses.add(duration);
        clock.advance(duration);
    }

    public List<Duration> pauses() {
        return List.copyOf(pauses);
    }
}
