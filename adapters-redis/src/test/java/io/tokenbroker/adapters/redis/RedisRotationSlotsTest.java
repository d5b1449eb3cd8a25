package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.RotationSlotsContract;
import io.tokenbroker.application.port.out.RotationSlots;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pending rotations in a real Redis; a second instance's adapters see the same slots. */
class RedisRotationSlotsTest extends RotationSlotsContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected RotationSlots slots() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "first").rotationSlots();
    }

    @Override
    protected RotationSlots reopened() {
        return fixture.adapters(Clock.systemUTC(), "second").rotationSlots();
    }
}
