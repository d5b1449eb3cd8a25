package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.application.port.in.ExportRefreshLog;
import io.tokenbroker.domain.audit.ChainEntry;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.DroppedAttempts;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The NDJSON export of one connection's chain, and its reading back (by {@code verify-log}): one {@code chain} line
 * (where the store says the chain starts and ends), one {@code link} line per row oldest first with every hashed
 * field, and one {@code checkpoint} line with the newest checkpoint's signed text and signature, if there is one.
 */
public final class RefreshLogExport {

    public static final String NDJSON = "application/x-ndjson";

    private RefreshLogExport() {
    }

    /** One line; which fields it has depends on {@code type}. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Line(String type, @Nullable String tenant, @Nullable String connection,
                       @JsonProperty("from_seq") @Nullable Long fromSeq,
                       @JsonProperty("from_prev_hash") @Nullable String fromPrevHash,
                       @Nullable Long seq, @JsonProperty("prev_hash") @Nullable String prevHash,
                       @Nullable String hash, @Nullable String kind,
                       @JsonProperty("instance_id") @Nullable String instanceId,
                       @JsonProperty("started_at") @Nullable String startedAt,
                       @JsonProperty("completed_at") @Nullable String completedAt,
                       @Nullable String trigger, @Nullable String outcome, @Nullable Integer attempt,
                       @JsonProperty("upstream_status") @Nullable Integer upstreamStatus,
                       @JsonProperty("error_code") @Nullable String errorCode, @Nullable String message,
                       @Nullable Long fence, @Nullable Long dropped, @Nullable String body,
                       @Nullable String signature) {
    }

    public static String write(ExportRefreshLog.Export export, JsonMapper json) {
        StringBuilder out = new StringBuilder();
        ChainHead head = export.head();
        append(out, json, new Line("chain", head.connection().tenant().value(),
                head.connection().connection().value(), head.fromSeq(), head.fromPrevHash(), head.seq(), null,
                head.hash(), null, null, null, null, null, null, null, null, null, null, null, null, null, null));
        export.links().forEach(link -> append(out, json, line(link)));
        export.checkpoint().ifPresent(signed -> append(out, json, new Line("checkpoint", null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                signed.checkpoint().body(), signed.signature().orElse(null))));
        return out.toString();
    }

    /** Reads an export back; throws {@link IllegalArgumentException} naming the line that is not one. */
    public static ExportRefreshLog.Export read(List<String> lines, JsonMapper json) {
        ChainHead head = null;
        List<ChainLink> links = new ArrayList<>();
        Optional<SignedCheckpoint> checkpoint = Optional.empty();
        for (int number = 1; number <= lines.size(); number++) {
            String text = lines.get(number - 1);
            if (text.isBlank()) {
                continue;
            }
            try {
                Line line = json.readValue(text, Line.class);
                switch (line.type()) {
                    case "chain" -> head = new ChainHead(ConnectionKey.of(line.tenant(), line.connection()),
                            line.fromSeq(), line.fromPrevHash(), line.seq(), line.hash());
                    case "link" -> links.add(link(requireChain(head), line));
                    case "checkpoint" -> checkpoint = Optional.of(new SignedCheckpoint(Checkpoint.parse(line.body()),
                            Optional.ofNullable(line.signature())));
                    default -> throw new IllegalArgumentException("unknown type " + line.type());
                }
            } catch (IOException | RuntimeException malformed) {
                throw new IllegalArgumentException("line " + number + " is not an export line: "
                        + malformed.getMessage(), malformed);
            }
        }
        return new ExportRefreshLog.Export(requireChain(head), links, checkpoint);
    }

    private static ChainHead requireChain(ChainHead head) {
        if (head == null) {
            throw new IllegalArgumentException("the export does not start with its chain line");
        }
        return head;
    }

    private static void append(StringBuilder out, JsonMapper json, Line line) {
        try {
            out.append(json.writeValueAsString(line)).append('\n');
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    private static Line line(ChainLink link) {
        ChainEntry entry = link.entry();
        String started = entry.startedAt().toString();
        String completed = entry.completedAt().toString();
        if (entry instanceof RefreshAttempt attempt) {
            return new Line("link", null, null, null, null, link.seq(), link.prevHash(), link.hash(), "attempt",
                    link.instance(), started, completed, StatusView.word(attempt.trigger()),
                    StatusView.word(attempt.outcome()), attempt.attempt(),
                    attempt.upstreamStatus().isPresent() ? attempt.upstreamStatus().getAsInt() : null,
                    attempt.errorCode().orElse(null), attempt.message().orElse(null), attempt.fence(), null, null,
                    null);
        }
        DroppedAttempts gap = (DroppedAttempts) entry;
        return new Line("link", null, null, null, null, link.seq(), link.prevHash(), link.hash(), "gap",
                link.instance(), started, completed, null, null, null, null, null, null, 0L, gap.count(), null, null);
    }

    private static ChainLink link(ChainHead head, Line line) {
        ConnectionKey key = head.connection();
        Instant started = Instant.parse(line.startedAt());
        Instant completed = Instant.parse(line.completedAt());
        ChainEntry entry = "gap".equals(line.kind()) ? new DroppedAttempts(key, line.dropped(), started, completed)
                : new RefreshAttempt(key, RefreshAttempt.Trigger.valueOf(line.trigger().toUpperCase(Locale.ROOT)),
                        RefreshAttempt.Outcome.valueOf(line.outcome().toUpperCase(Locale.ROOT)), started, completed,
                        line.attempt(), line.upstreamStatus() == null ? OptionalInt.empty()
                                : OptionalInt.of(line.upstreamStatus()), Optional.ofNullable(line.errorCode()),
                        Optional.ofNullable(line.message()), line.fence());
        return new ChainLink(line.seq(), entry, line.instanceId(), line.prevHash(), line.hash());
    }
}
