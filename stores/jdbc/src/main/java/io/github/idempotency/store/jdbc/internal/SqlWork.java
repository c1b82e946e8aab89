package io.github.idempotency.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work a store does on one connection.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    /**
     * @param connection the connection to run the statements on
     * @return the result of the work
     * @throws SQLException if a statement fails
     */
    T run(Connection connection) throws SQLException;
}
