package io.tokenbroker.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The chain's encoding, its verification and the checkpoint's text and signature, without any store. */
class ChainVerificationTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123456789Z");

    private static RefreshAttempt attempt(int n) {
        Instant startedAt = T0.plusSeconds(n);
        return new RefreshAttempt(KEY, Trigger.REQUEST, Outcome.SUCCESS, startedAt, startedAt.plusMillis(80), 1,
                OptionalInt.of(200), Optional.empty(), Optional.of("note " + n), n);
    }

    private static List<ChainLink> chain(int length) {
        List<ChainLink> links = new ArrayList<>();
        String prev = ChainLink.GENESIS;
        for (int seq = 1; seq <= length; seq++) {
            ChainEntry entry = seq == 3 ? new DroppedAttempts(KEY, 7, T0, T0.plusSeconds(1)) : attempt(seq);
            ChainLink link = ChainLink.append(seq, prev, entry, "broker-1");
            links.add(link);
            prev = link.hash();
        }
        return links;
    }

    private static ChainVerification.Verdict verify(List<ChainLink> links, Optional<Checkpoint.Entry> pinned) {
        ChainVerification walk = ChainVerification.from(ChainHead.empty(KEY), pinned);
        links.forEach(walk::add);
        return walk.finish();
    }

    private static Checkpoint.Entry pinnedAt(List<ChainLink> links, int seq) {
        return new Checkpoint.Entry(Checkpoint.chainId(KEY), 1, ChainLink.GENESIS, seq, links.get(seq - 1).hash());
    }

    @Test
    void anUntouchedChainVerifiesUpToItsHead() {
        List<ChainLink> links = chain(5);

        ChainVerification.Verdict verdict = verify(links, Optional.of(pinnedAt(links, 4)));

        assertTrue(verdict.verified());
        assertEquals(5, verdict.rows());
        assertEquals(Optional.of(new ChainVerification.Head(5, links.get(4).hash())), verdict.head());
    }

    @Test
    void timesAreHashedToTheMicrosecond() {
        ChainLink link = ChainLink.append(1, ChainLink.GENESIS, attempt(1), "broker-1");

        assertEquals(T0.plusSeconds(1).getNano() / 1_000 * 1_000, link.entry().startedAt().getNano());
        assertEquals(link.hash(), link.expectedHash());
    }

    @Test
    void anEditedRowIsReportedWithBothHashes() {
        List<ChainLink> links = chain(5);
        ChainLink original = links.get(1);
        RefreshAttempt edited = new RefreshAttempt(KEY, Trigger.REQUEST, Outcome.FAILURE,
                original.entry().startedAt(), original.entry().completedAt(), 1, OptionalInt.of(200),
                Optional.empty(), Optional.of("note 2"), 2);
        links.set(1, new ChainLink(2, edited, "broker-1", original.prevHash(), original.hash()));

        ChainVerification.Break broken = verify(links, Optional.empty()).broken().orElseThrow();

        assertEquals(2, broken.seq());
        assertEquals(original.hash(), broken.found());
        assertNotEquals(original.hash(), broken.expected());
    }

    @Test
    void aDeletedRowIsReportedWhereItIsMissing() {
        List<ChainLink> links = chain(5);
        links.remove(2);

        ChainVerification.Verdict verdict = verify(links, Optional.empty());

        assertEquals(3, verdict.broken().orElseThrow().seq());
        assertEquals(2, verdict.rows());
    }

    @Test
    void aReorderedPairIsReported() {
        List<ChainLink> links = chain(5);
        ChainLink fourth = links.get(3);
        ChainLink fifth = links.get(4);
        links.set(3, new ChainLink(4, fifth.entry(), fifth.instance(), fifth.prevHash(), fifth.hash()));
        links.set(4, new ChainLink(5, fourth.entry(), fourth.instance(), fourth.prevHash(), fourth.hash()));

        assertEquals(4, verify(links, Optional.empty()).broken().orElseThrow().seq());
    }

    @Test
    void aRecomputedChainIsCaughtByTheCheckpointAndATruncatedTailByItsHead() {
        List<ChainLink> links = chain(5);
        Checkpoint.Entry pinned = pinnedAt(links, 4);
        List<ChainLink> recomputed = new ArrayList<>(links.subList(0, 1));
        for (int seq = 2; seq <= 5; seq++) {
            recomputed.add(ChainLink.append(seq, recomputed.get(seq - 2).hash(), attempt(seq + 100), "mallory"));
        }
        assertTrue(verify(recomputed, Optional.empty()).verified(), "without a checkpoint the rewrite holds");
        assertEquals(4, verify(recomputed, Optional.of(pinned)).broken().orElseThrow().seq());

        ChainVerification.Break truncated = verify(links.subList(0, 2), Optional.of(pinned)).broken().orElseThrow();
        assertEquals(3, truncated.seq());
    }

    @Test
    void aCheckpointReadsBackFromItsTextAndItsSignatureVerifies() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String keyId = CheckpointSignatures.keyId(keys.getPublic());
        ChainHead head = new ChainHead(KEY, 3, "a".repeat(64), 9, "b".repeat(64));
        Checkpoint checkpoint = Checkpoint.of(T0, "interval", Optional.of(keyId), List.of(head));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(checkpoint.body().getBytes(StandardCharsets.UTF_8));
        Optional<String> signature = Optional.of(Base64.getEncoder().encodeToString(signer.sign()));

        Checkpoint parsed = Checkpoint.parse(checkpoint.body());
        assertEquals(checkpoint, parsed);
        assertEquals(9, parsed.entryFor(KEY).orElseThrow().seq());
        assertTrue(CheckpointSignatures.verifies(
                CheckpointSignatures.publicKey(CheckpointSignatures.pem(keys.getPublic())), parsed, signature));
        Checkpoint forged = Checkpoint.parse(checkpoint.body().replace(" 9 ", " 8 "));
        assertFalse(CheckpointSignatures.verifies(keys.getPublic(), forged, signature));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.parse(checkpoint.body() + "extra\n"));
    }
}
