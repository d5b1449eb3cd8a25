package io.tokenbroker.domain.audit;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A statement of where every chain stood at one moment, the text an Ed25519 signature covers. Chains are named by
 * {@link #chainId} (a hash of tenant and connection), so a checkpoint exported to one tenant's auditor names no other
 * tenant's connections. The text ({@link #body}) is line-based and its fields are digits, hex and lowercase words
 * only, so it has exactly one spelling:
 * <pre>
 * tokenbroker-checkpoint/1
 * created_at &lt;microseconds since the epoch&gt;
 * reason &lt;interval|demand|retention&gt;
 * key_id &lt;key id, or - when unsigned&gt;
 * chain &lt;chain id&gt; &lt;from seq&gt; &lt;from previous hash&gt; &lt;head seq&gt; &lt;head hash&gt;
 * </pre>
 * with one {@code chain} line per chain, sorted by chain id.
 */
public record Checkpoint(Instant createdAt, String reason, Optional<String> keyId, List<Entry> entries) {

    public static final String FORMAT = "tokenbroker-checkpoint/1";

    /** One chain's place in the checkpoint; see {@link ChainHead} for the fields. */
    public record Entry(String chain, long fromSeq, String fromPrevHash, long seq, String hash) {

        public Entry {
            requireToken(chain, "[0-9a-f]{64}", "chain");
            requireToken(fromPrevHash, "[0-9a-f]{64}", "fromPrevHash");
            requireToken(hash, "[0-9a-f]{64}", "hash");
            if (fromSeq < 1 || seq < fromSeq - 1) {
                throw new IllegalArgumentException("a chain starts at 1 or later and ends no earlier than it starts");
            }
        }

        public static Entry of(ChainHead head) {
            return new Entry(chainId(head.connection()), head.fromSeq(), head.fromPrevHash(), head.seq(), head.hash());
        }
    }

    public Checkpoint {
        createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(ChronoUnit.MICROS);
        requireToken(reason, "[a-z]{1,32}", "reason");
        Objects.requireNonNull(keyId, "keyId");
        keyId.ifPresent(id -> requireToken(id, "[0-9a-f]{16}", "keyId"));
        entries = entries.stream().sorted(Comparator.comparing(Entry::chain)).toList();
    }

    public static Checkpoint of(Instant createdAt, String reason, Optional<String> keyId,
                                Collection<ChainHead> heads) {
        return new Checkpoint(createdAt, reason, keyId, heads.stream().map(Entry::of).toList());
    }

    /** The chain id of a connection: lowercase hex SHA-256 of the netstrings of tenant and connection. */
    public static String chainId(ConnectionKey key) {
        String tenant = key.tenant().value();
        String connection = key.connection().value();
        return ChainLink.hashOf((tenant.getBytes(StandardCharsets.UTF_8).length + ":" + tenant + ","
                + connection.getBytes(StandardCharsets.UTF_8).length + ":" + connection + ",")
                .getBytes(StandardCharsets.UTF_8));
    }

    public Optional<Entry> entryFor(ConnectionKey key) {
        String id = chainId(key);
        return entries.stream().filter(entry -> entry.chain().equals(id)).findFirst();
    }

    /** The signed text. */
    public String body() {
        StringBuilder out = new StringBuilder(FORMAT).append('\n')
                .append("created_at ").append(ChainLink.micros(createdAt)).append('\n')
                .append("reason ").append(reason).append('\n')
                .append("key_id ").append(keyId.orElse("-")).append('\n');
        for (Entry entry : entries) {
            out.append("chain ").append(entry.chain()).append(' ').append(entry.fromSeq()).append(' ')
                    .append(entry.fromPrevHash()).append(' ').append(entry.seq()).append(' ').append(entry.hash())
                    .append('\n');
        }
        return out.toString();
    }

    /** Reads a {@link #body}; throws {@link IllegalArgumentException} for anything that is not one exactly. */
    public static Checkpoint parse(String body) {
        String[] lines = body.split("\n", -1);
        if (lines.length < 5 || !lines[0].equals(FORMAT) || !lines[lines.length - 1].isEmpty()) {
            throw new IllegalArgumentException("not a " + FORMAT + " checkpoint");
        }
        try {
            long micros = Long.parseLong(value(lines[1], "created_at"));
            String key = value(lines[3], "key_id");
            List<Entry> entries = Arrays.stream(lines, 4, lines.length - 1).map(Checkpoint::entry).toList();
            Checkpoint parsed = new Checkpoint(Instant.EPOCH.plus(micros, ChronoUnit.MICROS),
                    value(lines[2], "reason"), key.equals("-") ? Optional.empty() : Optional.of(key), entries);
            if (!parsed.body().equals(body)) {
                throw new IllegalArgumentException("the checkpoint is not in its one canonical spelling");
            }
            return parsed;
        } catch (NumberFormatException | ArithmeticException malformed) {
            throw new IllegalArgumentException("a checkpoint number is malformed", malformed);
        }
    }

    private static Entry entry(String line) {
        String[] fields = value(line, "chain").split(" ", -1);
        if (fields.length != 5) {
            throw new IllegalArgumentException("a chain line has five fields");
        }
        return new Entry(fields[0], Long.parseLong(fields[1]), fields[2], Long.parseLong(fields[3]), fields[4]);
    }

    private static String value(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("expected the line " + name);
        }
        return line.substring(name.length() + 1);
    }

    private static void requireToken(String value, String pattern, String name) {
        Objects.requireNonNull(value, name);
        if (!value.matches(pattern)) {
            throw new IllegalArgumentException(name + " must match " + pattern);
        }
    }
}
