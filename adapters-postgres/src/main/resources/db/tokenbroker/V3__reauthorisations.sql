-- Connections whose provider refused the refresh token (invalid_grant): kept here, not per instance, so every
-- instance answers 409 reauthorization-required, and stops calling the upstream, from the moment one instance saw it.
-- No foreign key: a mark is cleared when the connection is saved or removed, and may be written while it is.
CREATE TABLE reauthorisations (
    tenant     TEXT        NOT NULL,
    connection TEXT        NOT NULL,
    since      TIMESTAMPTZ NOT NULL,
    error_code TEXT        NOT NULL,
    PRIMARY KEY (tenant, connection)
);
