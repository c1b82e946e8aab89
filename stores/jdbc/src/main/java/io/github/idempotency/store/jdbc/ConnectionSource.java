package io.github.idempotency.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Hands the {@link TransactionalJdbcIdempotencyStore} the connection of the transaction the
 * calling thread runs, so that the store's statements join that transaction.
 *
 * <p>The store calls it once per operation, on the thread that calls the operation, and never
 * commits, rolls back or closes the connection it gets: the transaction and the connection belong
 * to the caller. A Spring application, for example, implements it with
 * {@code () -> DataSourceUtils.getConnection(dataSource)} once it has checked that a transaction
 * is active (outside one, {@code DataSourceUtils} hands out a new connection in auto-commit mode,
 * which the store refuses and would not give back). Plain JDBC code that holds its connection can
 * pass {@code () -> connection}.
 */
@FunctionalInterface
public interface ConnectionSource {

    /**
     * @return the connection of the calling thread's current transaction, with auto-commit off
     * @throws SQLException if there is none or it cannot be had; the store reports it as an
     *     {@link io.github.idempotency.core.store.IdempotencyStoreException}
     */
    Connection currentConnection() throws SQLException;
}
