package io.github.idempotency.store.jdbc;

import java.sql.Connection;

class MySqlOnMariaDbRepeatableReadTransactionalTest extends TransactionalStoreTest {
    MySqlOnMariaDbRepeatableReadTransactionalTest() {
        super(DialectUnderTest.MYSQL_ON_MARIADB, Connection.TRANSACTION_REPEATABLE_READ);
    }
}
