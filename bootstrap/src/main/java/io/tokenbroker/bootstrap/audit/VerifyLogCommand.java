package io.tokenbroker.bootstrap.audit;

import io.micronaut.serde.ObjectMapper;
import io.tokenbroker.adapters.http.inbound.RefreshLogExport;
import io.tokenbroker.application.port.in.ExportRefreshLog;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.CheckpointSignatures;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * {@code java -jar tokenbroker.jar verify-log <export.jsonl> --public-key <pem>}: verifies a refresh-log export (the
 * NDJSON of {@code GET …/refresh-log}) with no database and no network: the newest checkpoint's signature against the
 * pinned public key, then every link of the chain against it. Exit status 0 when it verifies, 1 with the first broken
 * link, 2 when the arguments or files cannot be read. Without {@code --public-key} only an unsigned checkpoint (or
 * none) is accepted, and the output says the log is vouched for by nothing but its own chain.
 */
public final class VerifyLogCommand {

    private VerifyLogCommand() {
    }

    public static int run(List<String> args, PrintStream out) {
        Optional<Path> export = args.stream().filter(arg -> !arg.startsWith("--")).findFirst().map(Path::of);
        int keyFlag = args.indexOf("--public-key");
        if (export.isEmpty() || (keyFlag >= 0 && keyFlag + 1 >= args.size())) {
            out.println("usage: verify-log <export.jsonl> [--public-key <public-key.pem>]");
            return 2;
        }
        try {
            Optional<PublicKey> key = keyFlag < 0 ? Optional.empty()
                    : Optional.of(CheckpointSignatures.publicKey(Files.readString(Path.of(args.get(keyFlag + 1)))));
            ExportRefreshLog.Export log = RefreshLogExport.read(
                    Files.readAllLines(export.get(), StandardCharsets.UTF_8), ObjectMapper.getDefault());
            return verify(log, key, out);
        } catch (IOException | IllegalArgumentException unreadable) {
            out.println("verify-log: " + unreadable.getMessage());
            return 2;
        }
    }

    private static int verify(ExportRefreshLog.Export log, Optional<PublicKey> key, PrintStream out) {
        Optional<SignedCheckpoint> checkpoint = log.checkpoint();
        if (checkpoint.isPresent() && (key.isPresent() || checkpoint.get().signed())) {
            SignedCheckpoint signed = checkpoint.get();
            boolean holds = key.isPresent()
                    && CheckpointSignatures.verifies(key.get(), signed.checkpoint(), signed.signature());
            if (!holds) {
                out.println("NOT VERIFIED: the checkpoint's signature does not hold for " + key
                        .map(CheckpointSignatures::keyId).map(id -> "key " + id).orElse("no key (pass --public-key)"));
                return 1;
            }
        }
        Optional<Checkpoint.Entry> entry = checkpoint
                .flatMap(signed -> signed.checkpoint().entryFor(log.head().connection()));
        ChainVerification walk = ChainVerification.from(log.head(), entry);
        for (ChainLink link : log.links()) {
            if (link.seq() >= walk.fromSeq() && !walk.add(link)) {
                break;
            }
        }
        ChainVerification.Verdict verdict = walk.finish();
        String against = entry.map(line -> "against the checkpoint of " + checkpoint.get().checkpoint().createdAt()
                + " (head " + line.seq() + ")").orElse("against no checkpoint: only the chain vouches for it");
        if (verdict.broken().isPresent()) {
            ChainVerification.Break broken = verdict.broken().get();
            out.println("NOT VERIFIED " + log.head().connection() + " at seq " + broken.seq() + ": " + broken.reason()
                    + "\n  expected " + broken.expected() + "\n  found    " + broken.found());
            return 1;
        }
        out.println("VERIFIED " + log.head().connection() + ": " + verdict.rows() + " rows, head "
                + verdict.head().map(head -> head.seq() + " " + head.hash()).orElse("none") + ", " + against);
        return 0;
    }
}
