package io.tokenbroker.bootstrap.demo;

import io.tokenbroker.adapters.http.sandbox.SandboxUpstream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar tokenbroker.jar sandbox [port] [client-id] [client-secret] [lifetime-seconds]}: the sandbox
 * upstream on its own, for benchmarks and manual tests. Runs until killed.
 */
public final class SandboxCommand {

    private SandboxCommand() {
    }

    public static void run(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        String clientId = args.length > 1 ? args[1] : "sandbox-client";
        String clientSecret = args.length > 2 ? args[2] : "sandbox-secret";
        Duration lifetime = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 300);
        SandboxUpstream sandbox = SandboxUpstream.start(port, clientId, clientSecret, lifetime);
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        System.out.println("sandbox upstream: token " + sandbox.tokenUrl() + ", stats " + sandbox.statsUrl()
                + ", client " + clientId);
        new CountDownLatch(1).await();
    }
}
