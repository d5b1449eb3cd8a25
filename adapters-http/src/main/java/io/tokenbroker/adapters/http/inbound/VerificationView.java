package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.application.port.in.VerifyRefreshLog;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.Checkpoint;

/**
 * The verify answer: {@code verified}, how many rows verified, the newest verified link, the checkpoint it was held
 * against (this connection's line in it, and whether its signature holds), and the first broken link, if any.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record VerificationView(boolean verified, long rows, @Nullable Head head,
                               @Nullable CheckpointLine checkpoint, @Nullable Broken broken) {

    @Serdeable
    public record Head(long seq, String hash) {
    }

    /**
     * @param trust {@code signed} (by this broker's key, and it holds), {@code unsigned} (the broker has no key) or
     *              {@code invalid} (forged or altered)
     * @param seq   this connection's head in the checkpoint; null when the checkpoint does not list it
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CheckpointLine(@JsonProperty("created_at") String createdAt, String reason,
                                 @JsonProperty("key_id") @Nullable String keyId, String trust,
                                 @Nullable Long seq, @Nullable String hash) {
    }

    @Serdeable
    public record Broken(long seq, String expected, String found, String reason) {
    }

    static VerificationView of(VerifyRefreshLog.Verification verification) {
        ChainVerification.Verdict verdict = verification.verdict();
        CheckpointLine checkpoint = verification.checkpoint().map(signed -> new CheckpointLine(
                signed.checkpoint().createdAt().toString(), signed.checkpoint().reason(),
                signed.checkpoint().keyId().orElse(null),
                verification.trust().map(StatusView::word).orElse(null),
                verification.entry().map(Checkpoint.Entry::seq).orElse(null),
                verification.entry().map(Checkpoint.Entry::hash).orElse(null))).orElse(null);
        return new VerificationView(verification.verified(), verdict.rows(),
                verdict.head().map(head -> new Head(head.seq(), head.hash())).orElse(null), checkpoint,
                verdict.broken().map(b -> new Broken(b.seq(), b.expected(), b.found(), b.reason())).orElse(null));
    }
}
