package io.github.idempotency.store.jdbc.internal;

import io.github.idempotency.core.store.IdempotencyStoreException;
import java.sql.SQLException;

/** How a failed store operation reaches the caller: the message both JDBC stores give. */
public final class SqlFailure {

    private SqlFailure() {
    }

    /**
     * @param operation the store operation, for example {@code claim}
     * @param tableName the entries table
     * @param e what the driver or the pool threw
     * @return an exception naming the operation, the table and the SQL state, caused by {@code e}
     */
    public static IdempotencyStoreException of(String operation, String tableName, SQLException e) {
        return new IdempotencyStoreException("JDBC idempotency store: " + operation + " on table " + tableName
                + " failed (" + (e.getSQLState() == null ? "no SQL state" : "SQL state " + e.getSQLState())
                + "): " + e.getMessage(), e);
    }
}
