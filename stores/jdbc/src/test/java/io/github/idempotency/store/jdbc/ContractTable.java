package io.github.idempotency.store.jdbc;

import io.github.idempotency.core.MutableClock;
import java.time.Duration;

/**
 * The table one contract test class runs on, created for its first test, and the stores on it.
 * With {@link TimeSource#CLOCK} the stores follow a mutable clock the test advances; with
 * {@link TimeSource#DATABASE} the database server's clock rules expiry, so time passes in real
 * time and expiry tests use one-second leases.
 */
final class ContractTable {

    private final DialectUnderTest target;
    private final TimeSource timeSource;
    private final MutableClock clock = new MutableClock();
    private String table;

    ContractTable(DialectUnderTest target, TimeSource timeSource) {
        this.target = target;
        this.timeSource = timeSource;
    }

    /** Creates the table for the first store; skips the calling test, with the reason, when the database is absent. */
    JdbcIdempotencyStore createStore() {
        if (table == null) {
            table = target.createTable();
        }
        JdbcIdempotencyStore.Builder builder = JdbcIdempotencyStore.builder(target.database.dataSource())
                .dialect(target.dialect)
                .tableName(table);
        return timeSource == TimeSource.DATABASE
                ? builder.timeSource(TimeSource.DATABASE).build()
                : builder.clock(clock).build();
    }

    void letTimePass(Duration duration) {
        if (timeSource == TimeSource.CLOCK) {
            clock.advance(duration);
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while letting database time pass", e);
        }
    }

    /** @return the expiry unit of the contracts: {@code onClock} with a clock, one second with database time */
    Duration expiryUnit(Duration onClock) {
        // Long enough that a busy machine's scheduling delays stay well inside two thirds of it.
        return timeSource == TimeSource.DATABASE ? Duration.ofSeconds(1) : onClock;
    }

    void dropTable() {
        if (table != null) {
            target.database.dropTable(table);
        }
    }
}
