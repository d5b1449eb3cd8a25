-- Issue 21: every refresh_log row becomes a link of its connection's hash chain; docs/security.md documents the
-- encoding the hash covers. Rows written before this migration stay unchained (seq, prev_hash and hash NULL): their
-- content was never hashed, so a hash computed now would vouch for whatever they hold today. Each connection's chain
-- starts with its first row written after the migration.
ALTER TABLE refresh_log
    ADD COLUMN seq       BIGINT,
    ADD COLUMN prev_hash TEXT,
    ADD COLUMN hash      TEXT,
    -- 'gap': attempts the bounded writer had to drop, counted in dropped, so a loss is a link, not silence.
    ADD COLUMN kind      TEXT NOT NULL DEFAULT 'attempt',
    ADD COLUMN dropped   BIGINT,
    ALTER COLUMN trigger DROP NOT NULL,
    ALTER COLUMN outcome DROP NOT NULL,
    ALTER COLUMN attempt DROP NOT NULL;

ALTER TABLE refresh_log
    ADD CONSTRAINT refresh_log_kind CHECK (kind IN ('attempt', 'gap')),
    ADD CONSTRAINT refresh_log_kind_fields CHECK (
        (kind = 'attempt' AND trigger IS NOT NULL AND outcome IS NOT NULL AND attempt IS NOT NULL AND dropped IS NULL)
        OR (kind = 'gap' AND trigger IS NULL AND outcome IS NULL AND attempt IS NULL AND dropped >= 1)),
    ADD CONSTRAINT refresh_log_chained CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL));

-- One link per place in a chain: a second writer that somehow skipped the head lock fails instead of forking it.
CREATE UNIQUE INDEX refresh_log_chain_idx ON refresh_log (tenant, connection, seq);

-- Where each chain stands. Writers lock a chain's row in the transaction that appends to it, so appends from every
-- instance are serialised per connection. Retention moves from_seq/from_prev_hash past the rows it removed.
CREATE TABLE refresh_log_chains (
    tenant         TEXT   NOT NULL,
    connection     TEXT   NOT NULL,
    from_seq       BIGINT NOT NULL,
    from_prev_hash TEXT   NOT NULL,
    seq            BIGINT NOT NULL,
    hash           TEXT   NOT NULL,
    PRIMARY KEY (tenant, connection),
    CONSTRAINT refresh_log_chains_order CHECK (from_seq >= 1 AND seq >= from_seq - 1)
);

-- Signed checkpoints: body is the signed text verbatim (docs/security.md), signature base64 Ed25519 or NULL.
CREATE TABLE audit_checkpoints (
    id         BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    body       TEXT        NOT NULL,
    signature  TEXT
);

CREATE INDEX audit_checkpoints_created_idx ON audit_checkpoints (created_at DESC, id DESC);
