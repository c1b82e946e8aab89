package io.github.idempotency.store.jdbc;

class MariaDbContractTest extends JdbcStoreContractTest {
    MariaDbContractTest() {
        super(DialectUnderTest.MARIADB, TimeSource.CLOCK);
    }
}
