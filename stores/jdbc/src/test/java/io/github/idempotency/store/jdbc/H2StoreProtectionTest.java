package io.github.idempotency.store.jdbc;

class H2StoreProtectionTest extends JdbcStoreProtectionTest {
    H2StoreProtectionTest() {
        super(DialectUnderTest.H2);
    }
}
