package io.github.idempotency.store.jdbc;

import java.sql.Connection;

class MariaDbTransactionalTest extends TransactionalStoreTest {
    MariaDbTransactionalTest() {
        super(DialectUnderTest.MARIADB, Connection.TRANSACTION_READ_COMMITTED);
    }
}
