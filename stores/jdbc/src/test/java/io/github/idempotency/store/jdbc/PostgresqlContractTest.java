package io.github.idempotency.store.jdbc;

class PostgresqlContractTest extends JdbcStoreContractTest {
    PostgresqlContractTest() {
        super(DialectUnderTest.POSTGRESQL, TimeSource.CLOCK);
    }
}
