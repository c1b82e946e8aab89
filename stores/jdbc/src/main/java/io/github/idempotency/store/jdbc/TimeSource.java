package io.github.idempotency.store.jdbc;

/**
 * Where {@link JdbcIdempotencyStore} takes "now" from when it sets and checks lease and record
 * expiry.
 */
public enum TimeSource {

    /**
     * The {@link java.time.Clock} given to the builder (default: the system clock in UTC). Every
     * statement binds the current time as a parameter. Application servers must keep their clocks
     * in sync: a server whose clock runs ahead sees other servers' leases expire early and can take
     * over a claim that is still being worked on.
     */
    CLOCK,

    /**
     * The database server's clock, read inside each statement ({@code statement_timestamp()} on
     * PostgreSQL, {@code UTC_TIMESTAMP(3)} on MySQL and MariaDB, {@code CURRENT_TIMESTAMP} on H2),
     * so all application servers share one clock and a skewed application clock cannot break a
     * lease. Times are still stored as epoch milliseconds.
     */
    DATABASE
}
