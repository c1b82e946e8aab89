package io.github.idempotency.store.jdbc;

import io.github.idempotency.core.operation.OperationsContract;
import io.github.idempotency.core.store.IdempotencyStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** Runs the operations contract against one dialect on its own fresh table, on the test's clock. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcOperationsContractTest extends OperationsContract {

    private final ContractTable table;

    JdbcOperationsContractTest(DialectUnderTest target) {
        this.table = new ContractTable(target, TimeSource.CLOCK);
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
