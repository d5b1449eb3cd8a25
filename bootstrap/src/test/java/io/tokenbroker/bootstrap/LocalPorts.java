package io.tokenbroker.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free loopback ports for the servers a test starts itself (Redis, PostgreSQL, a broker on a known port). */
public final class LocalPorts {

    private LocalPorts() {
    }

    /** A port nobody listened on a moment ago; a test that loses the race sees a bind error, not a wrong answer. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }
}
