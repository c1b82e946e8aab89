package io.github.idempotency.store.jdbc;

class H2DatabaseTimeContractTest extends JdbcStoreContractTest {
    H2DatabaseTimeContractTest() {
        super(DialectUnderTest.H2, TimeSource.DATABASE);
    }
}
