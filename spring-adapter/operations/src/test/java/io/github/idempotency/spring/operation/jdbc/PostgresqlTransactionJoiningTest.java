package io.github.idempotency.spring.operation.jdbc;

import io.github.idempotency.spring.boot.LocalServer;

/** Joining Spring-managed transactions on the local PostgreSQL. */
class PostgresqlTransactionJoiningTest extends TransactionJoiningChecks {

    PostgresqlTransactionJoiningTest() {
        super(LocalServer.POSTGRESQL);
    }
}
