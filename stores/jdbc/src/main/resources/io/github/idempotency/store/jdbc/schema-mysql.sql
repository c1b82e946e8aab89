-- Idempotency-Key store for MySQL 8 and MariaDB 10.5 or later: one row per entry, either an
-- in-flight claim or a completed record. All times are epoch milliseconds (UTC).
CREATE TABLE IF NOT EXISTS idempotency_entries (
    id            CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- lowercase hex SHA-256 of scope and key
    state         VARCHAR(6)    NOT NULL, -- CLAIM (in flight) or RECORD (completed)
    fingerprint   VARBINARY(64) NOT NULL, -- fingerprint of the request that claimed
    fencing_token BIGINT        NOT NULL, -- random per claim, checked by complete/release/renew
    expires_at    BIGINT        NOT NULL, -- lease end of a claim, TTL end of a record
    response      LONGBLOB,               -- encoded stored response of a record, NULL for a claim
    created_at    BIGINT        NOT NULL, -- when the current claim was made
    PRIMARY KEY (id),
    INDEX idempotency_entries_expires_at_idx (expires_at) -- lets the purge find expired rows without scanning the table
) ENGINE = InnoDB;
