package io.github.idempotency.store.jdbc;

class PostgresqlOperationsContractTest extends JdbcOperationsContractTest {
    PostgresqlOperationsContractTest() {
        super(DialectUnderTest.POSTGRESQL);
    }
}
