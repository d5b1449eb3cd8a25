package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.audit.SignedCheckpoint;

/**
 * Signs and keeps a checkpoint of every chain head. A chain whose stored links no longer extend its line in the
 * previous checkpoint (edited, recomputed, cut short or reset since) keeps that previous line, so a signature never
 * vouches for a tampered chain; such chains are named in {@link ReadAuditStatus}.
 */
public interface TakeCheckpoint {

    /** Reasons a checkpoint is taken for; each is a word of the checkpoint's text. */
    String INTERVAL = "interval";
    String DEMAND = "demand";
    String RETENTION = "retention";
    String START = "start";

    SignedCheckpoint take(String reason);
}
