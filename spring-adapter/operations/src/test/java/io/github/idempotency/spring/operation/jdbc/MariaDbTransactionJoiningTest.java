package io.github.idempotency.spring.operation.jdbc;

import io.github.idempotency.spring.boot.LocalServer;

/** Joining Spring-managed transactions on the local MariaDB (at its default, REPEATABLE READ). */
class MariaDbTransactionJoiningTest extends TransactionJoiningChecks {

    MariaDbTransactionJoiningTest() {
        super(LocalServer.MARIADB);
    }
}
