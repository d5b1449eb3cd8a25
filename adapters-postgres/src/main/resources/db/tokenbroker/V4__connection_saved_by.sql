-- Which kind of API key last saved a connection, and so which outbound targets it may name (docs/security.md,
-- "Egress policy"): 'operator' (an admin key) or 'tenant' (a key scoped to tenants). Rows stored before the broker
-- recorded it were saved through the operator's API and count as operator-saved.
ALTER TABLE connections
    ADD COLUMN saved_by TEXT NOT NULL DEFAULT 'operator'
        CONSTRAINT connections_saved_by_check CHECK (saved_by IN ('operator', 'tenant'));
