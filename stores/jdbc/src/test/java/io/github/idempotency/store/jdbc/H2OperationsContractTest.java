package io.github.idempotency.store.jdbc;

class H2OperationsContractTest extends JdbcOperationsContractTest {
    H2OperationsContractTest() {
        super(DialectUnderTest.H2);
    }
}
