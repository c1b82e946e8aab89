package io.github.idempotency.store.jdbc;

import java.sql.Connection;

class MariaDbRepeatableReadTransactionalTest extends TransactionalStoreTest {
    MariaDbRepeatableReadTransactionalTest() {
        super(DialectUnderTest.MARIADB, Connection.TRANSACTION_REPEATABLE_READ);
    }
}
