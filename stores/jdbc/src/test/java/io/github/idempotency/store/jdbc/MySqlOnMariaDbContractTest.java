package io.github.idempotency.store.jdbc;

class MySqlOnMariaDbContractTest extends JdbcStoreContractTest {
    MySqlOnMariaDbContractTest() {
        super(DialectUnderTest.MYSQL_ON_MARIADB, TimeSource.CLOCK);
    }
}
