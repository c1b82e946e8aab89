package io.github.idempotency.store.jdbc;

import java.sql.Connection;

class MySqlOnMariaDbTransactionalTest extends TransactionalStoreTest {
    MySqlOnMariaDbTransactionalTest() {
        super(DialectUnderTest.MYSQL_ON_MARIADB, Connection.TRANSACTION_READ_COMMITTED);
    }
}
