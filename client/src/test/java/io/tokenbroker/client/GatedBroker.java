package io.tokenbroker.client;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A broker whose calls wait until the test opens the gate, so a test can line callers up behind one call in
 * flight. Counting and tokens come from a {@link FakeTokenBroker}.
 */
final class GatedBroker implements TokenBrokerClient {

    final FakeTokenBroker fake;
    private volatile CountDownLatch gate = new CountDownLatch(1);
    private volatile RuntimeException failure;

    GatedBroker(FakeTokenBroker fake) {
        this.fake = fake;
    }

    void open() {
        gate.countDown();
    }

    /** Calls from now on wait again until the next {@link #open()}. */
    void close() {
        gate = new CountDownLatch(1);
    }

    /** The calls that pass the gate while it is set throw this instead of answering. */
    void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    @Override
    public Token token(String tenant, String connection, Duration minValidFor) {
        pass();
        return fake.token(tenant, connection, minValidFor);
    }

    @Override
    public void invalidate(String tenant, String connection, String rejectedToken) {
        pass();
        fake.invalidate(tenant, connection, rejectedToken);
    }

    private void pass() {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the gate was never opened");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
        RuntimeException planned = failure;
        if (planned != null) {
            throw planned;
        }
    }
}
