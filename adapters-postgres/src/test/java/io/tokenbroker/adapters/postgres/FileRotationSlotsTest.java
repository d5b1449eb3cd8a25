package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.RotationSlotsContract;
import io.tokenbroker.application.port.out.RotationSlots;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Pending rotations in a real directory; reopening it is what a restarted instance does. */
class FileRotationSlotsTest extends RotationSlotsContract {

    @TempDir
    Path directory;

    @Override
    protected RotationSlots slots() {
        return new FileRotationSlots(directory.resolve("pending"));
    }

    @Override
    protected RotationSlots reopened() {
        return new FileRotationSlots(directory.resolve("pending"));
    }
}
