-- Callers' API keys. Only a bcrypt hash of the secret part is stored; the id is public (it is in the key itself).
CREATE TABLE api_keys (
    id           TEXT        PRIMARY KEY,
    name         TEXT        NOT NULL,
    scopes       TEXT[]      NOT NULL,
    all_tenants  BOOLEAN     NOT NULL,
    tenants      TEXT[]      NOT NULL,
    secret_hash  TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    CONSTRAINT api_keys_id_format CHECK (id ~ '^[a-z0-9]{16}$'),
    CONSTRAINT api_keys_tenant_scope CHECK (all_tenants = (cardinality(tenants) = 0))
);
