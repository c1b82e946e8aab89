package io.github.idempotency.store.jdbc;

class PostgresqlDatabaseTimeContractTest extends JdbcStoreContractTest {
    PostgresqlDatabaseTimeContractTest() {
        super(DialectUnderTest.POSTGRESQL, TimeSource.DATABASE);
    }
}
