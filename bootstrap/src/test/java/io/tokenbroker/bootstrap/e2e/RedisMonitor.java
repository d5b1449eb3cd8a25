package io.tokenbroker.bootstrap.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Redis's own {@code MONITOR} stream, read over a plain socket: every command the server ran, in the order it ran
 * them, with the address of the client that sent it ({@code lua} for commands a script ran). What a test counts
 * when it must show which instance sent which command, without wrapping any adapter.
 */
final class RedisMonitor implements AutoCloseable {

    /** One command as the server ran it; {@code client} is {@code host:port}, or {@code lua} inside a script. */
    record Command(String client, List<String> words) {

        boolean names(String key) {
            return words.contains(key);
        }

        boolean is(String name) {
            return !words.isEmpty() && words.get(0).equalsIgnoreCase(name);
        }
    }

    private final Socket socket;
    private final List<Command> commands = new ArrayList<>();
    private final Thread reader;

    private RedisMonitor(Socket socket) throws IOException {
        this.socket = socket;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        String ok = in.readLine();
        if (!"+OK".equals(ok)) {
            throw new IllegalStateException("MONITOR answered " + ok);
        }
        reader = new Thread(() -> read(in), "redis-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    static RedisMonitor start(int port) {
        try {
            return new RedisMonitor(new Socket(InetAddress.getLoopbackAddress(), port));
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /**
     * What the server ran since this monitor started, in order, up to a marker sent now: the server feeds monitors
     * in the order it runs commands, so once the marker is read, so is everything that ran before it.
     */
    List<Command> commandsUntilNow(int port) throws InterruptedException {
        String marker = "monitor-marker-" + UUID.randomUUID();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(("ECHO " + marker + "\r\n").getBytes(StandardCharsets.US_ASCII));
            new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        synchronized (commands) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (commands.stream().noneMatch(command -> command.names(marker))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the monitor never saw its marker");
                }
                TimeUnit.NANOSECONDS.timedWait(commands, left);
            }
            return List.copyOf(commands);
        }
    }

    private void read(BufferedReader in) {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Optional<Command> command = parse(line);
                synchronized (commands) {
                    command.ifPresent(commands::add);
                    commands.notifyAll();
                }
            }
        } catch (IOException closed) {
            // The test closed the socket.
        }
    }

    /** {@code +1700000000.123456 [0 127.0.0.1:50000] "HGETALL" "key"}, arguments quoted with C-style escapes. */
    private static Optional<Command> parse(String line) {
        int open = line.indexOf('[');
        int close = line.indexOf(']', open);
        if (!line.startsWith("+") || open < 0 || close < 0) {
            return Optional.empty();
        }
        String source = line.substring(open + 1, close);
        String client = source.substring(source.indexOf(' ') + 1);
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = close + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (word == null) {
                if (c == '"') {
                    word = new StringBuilder();
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == '"') {
                words.add(word.toString());
                word = null;
            } else {
                word.append(c);
            }
        }
        return Optional.of(new Command(client, words));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
