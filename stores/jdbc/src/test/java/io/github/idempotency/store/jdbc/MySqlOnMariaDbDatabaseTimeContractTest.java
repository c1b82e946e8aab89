package io.github.idempotency.store.jdbc;

class MySqlOnMariaDbDatabaseTimeContractTest extends JdbcStoreContractTest {
    MySqlOnMariaDbDatabaseTimeContractTest() {
        super(DialectUnderTest.MYSQL_ON_MARIADB, TimeSource.DATABASE);
    }
}
