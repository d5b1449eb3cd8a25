package io.tokenbroker.bootstrap.demo;

import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar tokenbroker.jar sandbox [port] [client-id] [client-secret] [lifetime-seconds] [delay-millis]}:
 * the sandbox upstream on its own, for benchmarks and manual tests. Runs until killed. The delay makes every token
 * response take that long, as a real provider's does; {@code POST /delay} changes it while running.
 */
public final class SandboxCommand {

    private SandboxCommand() {
    }

    public static void run(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        String clientId = args.length > 1 ? args[1] : "sandbox-client";
        String clientSecret = args.length > 2 ? args[2] : "sandbox-secret";
        Duration lifetime = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 300);
        Duration delay = Duration.ofMillis(args.length > 4 ? Long.parseLong(args[4]) : 0);
        SandboxUpstream sandbox = SandboxUpstream.start(port, clientId, clientSecret, lifetime);
        sandbox.setResponseDelay(delay);
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        System.out.println("sandbox upstream: token " + sandbox.tokenUrl() + ", stats " + sandbox.statsUrl()
                + ", client " + clientId + ", delay " + delay.toMillis() + " ms");
        new CountDownLatch(1).await();
    }
}
