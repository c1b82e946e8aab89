package io.github.idempotency.store.jdbc;

import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the store contract against one dialect on its own fresh table. With
 * {@link TimeSource#CLOCK} the test advances a mutable clock; with {@link TimeSource#DATABASE} the
 * database server's clock rules expiry, so the expiry tests use one-second leases and wait in real
 * time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreContractTest extends IdempotencyStoreContract {

    private final DialectUnderTest target;
    private final TimeSource timeSource;
    private final MutableClock clock = new MutableClock();
    private String table;

    JdbcStoreContractTest(DialectUnderTest target, TimeSource timeSource) {
        this.target = target;
        this.timeSource = timeSource;
    }

    @AfterAll
    void dropTable() {
        if (table != null) {
            target.database.dropTable(table);
        }
    }

    /** Creates the table for the first test; skips each test, with the reason, when the database is absent. */
    @Override
    protected IdempotencyStore createStore() {
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

    @Override
    protected void letTimePass(Duration duration) {
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

    @Override
    protected Duration expiryUnit() {
        // Long enough that a busy machine's scheduling delays stay well inside two thirds of it.
        return timeSource == TimeSource.DATABASE ? Duration.ofSeconds(1) : super.expiryUnit();
    }
}
