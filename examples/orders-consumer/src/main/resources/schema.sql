-- The application's tables (the idempotency store creates its own, orders_idempotency).
-- No unique constraint on orders_ledger.order_id: the idempotency record alone keeps an order from being booked twice.
-- No CREATE INDEX IF NOT EXISTS either: Spring runs this script at every start, and on PostgreSQL that statement locks
-- the table even when the index exists, so an instance starting while others book orders would wait for their
-- open transactions.
CREATE TABLE IF NOT EXISTS orders_ledger (
    entry_id     BIGSERIAL PRIMARY KEY,
    order_id     VARCHAR(255) NOT NULL,
    customer_id  VARCHAR(255) NOT NULL,
    amount_cents BIGINT       NOT NULL,
    booked_by    VARCHAR(64)  NOT NULL,
    booked_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orders_customer_totals (
    customer_id  VARCHAR(255) PRIMARY KEY,
    orders       BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL
);
