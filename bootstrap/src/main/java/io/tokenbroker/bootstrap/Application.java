package io.tokenbroker.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.tokenbroker.bootstrap.audit.VerifyLogCommand;
import io.tokenbroker.bootstrap.demo.SandboxCommand;
import io.tokenbroker.bootstrap.shutdown.LoggingShutdown;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Starts the broker; with {@code sandbox} as first argument only the sandbox upstream (for benchmarks); with
 * {@code re-encrypt} it moves every stored secret to the active encryption key and exits; with {@code verify-log} it
 * verifies a refresh-log export offline and exits.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "sandbox".equals(args[0])) {
            SandboxCommand.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "re-encrypt".equals(args[0])) {
            System.exit(ReEncryptCommand.run(Map.of()));
        }
        if (args.length > 0 && "verify-log".equals(args[0])) {
            System.exit(VerifyLogCommand.run(Arrays.asList(args).subList(1, args.length), System.out));
        }
        ApplicationContext context = Micronaut.run(Application.class, args);
        // Past the drain, the requests in flight and the flushes: what a stop can take before the log is closed.
        LoggingShutdown.after(context, Duration.ofMinutes(1));
    }
}
