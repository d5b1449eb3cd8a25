package io.tokenbroker.domain.audit;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One link of a connection's audit chain: the entry, its place ({@code seq}, counting from 1 per connection), the
 * hash of the link before it and its own hash, SHA-256 over {@link #canonical} — the encoding
 * {@code docs/security.md} documents field by field, so an auditor can recompute it without this code.
 *
 * @param instance the broker instance that wrote the link
 */
public record ChainLink(long seq, ChainEntry entry, String instance, String prevHash, String hash) {

    /** The previous hash of a chain's first link: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);
    /** Names the encoding, so a future change of it is a new name, never a silent reinterpretation. */
    public static final String FORMAT = "tokenbroker-refresh-log/1";

    public ChainLink {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(instance, "instance");
        // Not checked for shape: a link read back from storage may have been tampered with, and the verifier must
        // be able to report it rather than fail to build it.
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
        if (seq < 1) {
            throw new IllegalArgumentException("links count from 1");
        }
    }

    /** The link that follows {@code prevHash} at {@code seq}; an attempt's times are cut to the microsecond first. */
    public static ChainLink append(long seq, String prevHash, ChainEntry entry, String instance) {
        ChainEntry stored = entry instanceof RefreshAttempt attempt ? attempt.toMicros() : entry;
        return new ChainLink(seq, stored, instance, prevHash, hashOf(canonical(seq, prevHash, stored, instance)));
    }

    /** What this link's hash must be, recomputed from its content; differs from {@link #hash} if anything changed. */
    public String expectedHash() {
        return hashOf(canonical(seq, prevHash, entry, instance));
    }

    public ConnectionKey connection() {
        return entry.connection();
    }

    /**
     * The bytes that are hashed: netstrings ({@code <byte length>:<UTF-8 bytes>,}) of the fields in a fixed order;
     * an absent field is {@code ~,}, so it differs from an empty one.
     */
    public static byte[] canonical(long seq, String prevHash, ChainEntry entry, String instance) {
        Fields out = new Fields();
        out.add(FORMAT).add(entry.connection().tenant().value()).add(entry.connection().connection().value())
                .add(Long.toString(seq)).add(prevHash).add(kind(entry)).add(instance)
                .add(Long.toString(micros(entry.startedAt()))).add(Long.toString(micros(entry.completedAt())));
        if (entry instanceof RefreshAttempt attempt) {
            out.add(word(attempt.trigger())).add(word(attempt.outcome())).add(Integer.toString(attempt.attempt()))
                    .add(attempt.upstreamStatus().isPresent()
                            ? Integer.toString(attempt.upstreamStatus().getAsInt()) : null)
                    .add(attempt.errorCode().orElse(null)).add(attempt.message().orElse(null))
                    .add(Long.toString(attempt.fence())).add(null);
        } else {
            DroppedAttempts gap = (DroppedAttempts) entry;
            out.add(null).add(null).add(null).add(null).add(null).add(null).add("0").add(Long.toString(gap.count()));
        }
        return out.bytes();
    }

    /** {@code attempt} or {@code gap}: the stored kind of an entry. */
    public static String kind(ChainEntry entry) {
        return entry instanceof RefreshAttempt ? "attempt" : "gap";
    }

    /** Microseconds since the epoch: the unit a chained time is kept and hashed in. */
    public static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    }

    /** Lowercase hex SHA-256. */
    public static String hashOf(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("every JDK has SHA-256", missing);
        }
    }

    static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static final class Fields {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);

        Fields add(String value) {
            if (value == null) {
                bytes.writeBytes("~,".getBytes(StandardCharsets.US_ASCII));
                return this;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            bytes.writeBytes((utf8.length + ":").getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(utf8);
            bytes.write(',');
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
