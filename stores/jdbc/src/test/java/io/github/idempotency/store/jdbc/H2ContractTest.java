package io.github.idempotency.store.jdbc;

class H2ContractTest extends JdbcStoreContractTest {
    H2ContractTest() {
        super(DialectUnderTest.H2, TimeSource.CLOCK);
    }
}
