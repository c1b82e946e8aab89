package io.github.idempotency.store.jdbc;

class MariaDbOperationsContractTest extends JdbcOperationsContractTest {
    MariaDbOperationsContractTest() {
        super(DialectUnderTest.MARIADB);
    }
}
