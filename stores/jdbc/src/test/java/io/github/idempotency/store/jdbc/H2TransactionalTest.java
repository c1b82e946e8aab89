package io.github.idempotency.store.jdbc;

import java.sql.Connection;

class H2TransactionalTest extends TransactionalStoreTest {
    H2TransactionalTest() {
        super(DialectUnderTest.H2, Connection.TRANSACTION_READ_COMMITTED);
    }
}
