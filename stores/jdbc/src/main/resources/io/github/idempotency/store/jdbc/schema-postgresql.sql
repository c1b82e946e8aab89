-- Idempotency-Key store for PostgreSQL: one row per entry, either an in-flight claim or a
-- completed record. All times are epoch milliseconds (UTC).
CREATE TABLE IF NOT EXISTS idempotency_entries (
    id            CHAR(64)   NOT NULL PRIMARY KEY, -- lowercase hex SHA-256 of scope and key
    state         VARCHAR(6) NOT NULL,             -- CLAIM (in flight) or RECORD (completed)
    fingerprint   BYTEA      NOT NULL,             -- fingerprint of the request that claimed
    fencing_token BIGINT     NOT NULL,             -- random per claim, checked by complete/release/renew
    expires_at    BIGINT     NOT NULL,             -- lease end of a claim, TTL end of a record
    response      BYTEA,                           -- encoded stored response of a record, NULL for a claim
    created_at    BIGINT     NOT NULL              -- when the current claim was made
);

-- Lets the purge find expired rows without scanning the table.
CREATE INDEX IF NOT EXISTS idempotency_entries_expires_at_idx ON idempotency_entries (expires_at);
