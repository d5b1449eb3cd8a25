package io.tokenbroker.adapters.http.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token endpoint that reads each request whole and then closes the connection without a word: what a provider
 * does when it drops a keep-alive connection at the wrong moment. Counts the connections it accepted and the
 * requests it read, so a test can tell whether a client sent a grant a second time.
 */
final class HangingUpUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    HangingUpUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "hanging-up-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** Connections accepted; read after {@link #close()}, which waits for the last one to be handled. */
    int connections() {
        return connections.get();
    }

    /** Requests read whole; read after {@link #close()}. */
    int requests() {
        return requests.get();
    }

    private void serve() {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            try (socket) {
                if (readRequest(socket.getInputStream())) {
                    requests.incrementAndGet();
                }
            } catch (IOException brokenOff) {
                // Counted as a connection, not as a request.
            }
        }
    }

    /** Reads the head up to its blank line and a body of its Content-Length; false if the request broke off. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                return false;
            }
            head.write(next);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return in.readNBytes(length).length == length;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        server.close();
        acceptor.join();
    }
}
