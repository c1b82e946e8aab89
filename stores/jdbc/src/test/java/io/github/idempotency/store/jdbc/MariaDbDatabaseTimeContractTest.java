package io.github.idempotency.store.jdbc;

class MariaDbDatabaseTimeContractTest extends JdbcStoreContractTest {
    MariaDbDatabaseTimeContractTest() {
        super(DialectUnderTest.MARIADB, TimeSource.DATABASE);
    }
}
