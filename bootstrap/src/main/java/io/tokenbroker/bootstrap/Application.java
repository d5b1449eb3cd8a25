package io.tokenbroker.bootstrap;

import io.micronaut.runtime.Micronaut;
import io.tokenbroker.bootstrap.demo.SandboxCommand;
import java.util.Arrays;

/** Starts the broker, or with {@code sandbox} as first argument only the sandbox upstream (for benchmarks). */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "sandbox".equals(args[0])) {
            SandboxCommand.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Micronaut.run(Application.class, args);
    }
}
