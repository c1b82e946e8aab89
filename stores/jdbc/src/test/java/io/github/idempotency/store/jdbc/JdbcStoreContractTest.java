package io.github.idempotency.store.jdbc;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the store contract against one dialect on its own fresh table, on the test's clock or on
 * the database's (see {@link ContractTable}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreContractTest extends IdempotencyStoreContract {

    private final ContractTable table;

    JdbcStoreContractTest(DialectUnderTest target, TimeSource timeSource) {
        this.table = new ContractTable(target, timeSource);
    }

    @AfterAll
    void dropTable() {
        table.dropTable();
    }

    @Override
    protected IdempotencyStore createStore() {
        return table.createStore();
    }

    @Override
    protected void letTimePass(Duration duration) {
        table.letTimePass(duration);
    }

    @Override
    protected Duration expiryUnit() {
        return table.expiryUnit(super.expiryUnit());
    }
}
