package io.github.idempotency.store.jdbc;

class MariaDbStoreProtectionTest extends JdbcStoreProtectionTest {
    MariaDbStoreProtectionTest() {
        super(DialectUnderTest.MARIADB);
    }
}
