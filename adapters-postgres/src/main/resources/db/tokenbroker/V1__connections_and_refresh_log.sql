-- The credential vault: one row per (tenant, connection). Secrets are AES-256-GCM sealed by the broker
-- (nonce || ciphertext || tag) and record the id of the master key that sealed them; everything else that
-- describes the connection lives in settings, so provider-specific fields need no migration.
CREATE TABLE connections (
    id                       BIGSERIAL PRIMARY KEY,
    tenant                   TEXT        NOT NULL,
    name                     TEXT        NOT NULL,
    provider                 TEXT        NOT NULL,
    settings                 JSONB       NOT NULL,
    -- NULL for providers that take no client credentials (an internal auth service).
    client_secret_key_id     TEXT,
    client_secret            BYTEA,
    refresh_token_key_id     TEXT,
    refresh_token            BYTEA,
    refresh_token_expires_at TIMESTAMPTZ,
    -- Fencing number of the lease that last rotated the refresh token; a rotation is written only with a higher one.
    fence                    BIGINT      NOT NULL DEFAULT 0,
    version                  BIGINT      NOT NULL DEFAULT 1,
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    CONSTRAINT connections_tenant_name_key UNIQUE (tenant, name),
    CONSTRAINT connections_client_secret_sealed CHECK ((client_secret IS NULL) = (client_secret_key_id IS NULL)),
    CONSTRAINT connections_refresh_token_sealed CHECK ((refresh_token IS NULL) = (refresh_token_key_id IS NULL)),
    CONSTRAINT connections_fence_not_negative CHECK (fence >= 0)
);

-- Re-encryption looks for rows still sealed under an old key.
CREATE INDEX connections_client_secret_key_id_idx ON connections (client_secret_key_id);
CREATE INDEX connections_refresh_token_key_id_idx ON connections (refresh_token_key_id);

-- The audit trail of refresh attempts. No foreign key to connections: the history outlives a removed connection.
CREATE TABLE refresh_log (
    id              BIGSERIAL PRIMARY KEY,
    tenant          TEXT        NOT NULL,
    connection      TEXT        NOT NULL,
    trigger         TEXT        NOT NULL CHECK (trigger IN ('request', 'proactive', 'manual', 'invalidate')),
    outcome         TEXT        NOT NULL CHECK (outcome IN ('success', 'failure')),
    started_at      TIMESTAMPTZ NOT NULL,
    completed_at    TIMESTAMPTZ NOT NULL,
    duration_ms     BIGINT      NOT NULL CHECK (duration_ms >= 0),
    attempt         INTEGER     NOT NULL CHECK (attempt >= 1),
    upstream_status INTEGER,
    error_code      TEXT,
    message         TEXT,
    instance_id     TEXT        NOT NULL,
    fence           BIGINT      NOT NULL
);

-- History by connection, newest first, paged by (started_at, id).
CREATE INDEX refresh_log_history_idx ON refresh_log (tenant, connection, started_at DESC, id DESC);
