package io.github.idempotency.store.jdbc;

class PostgresqlStoreProtectionTest extends JdbcStoreProtectionTest {
    PostgresqlStoreProtectionTest() {
        super(DialectUnderTest.POSTGRESQL);
    }
}
