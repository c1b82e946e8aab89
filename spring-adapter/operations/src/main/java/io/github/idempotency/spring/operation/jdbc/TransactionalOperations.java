package io.github.idempotency.spring.operation.jdbc;

import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.store.jdbc.ConnectionSource;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The runner of the {@code @IdempotentOperation} calls that run in a Spring-managed transaction on
 * the JDBC store's {@link DataSource}: an {@link IdempotentOperations} on the store's transactional
 * mode ({@code JdbcIdempotencyStore.transactional}), whose claim and record are written in that
 * transaction, so that they commit, or roll back, with the method's own writes.
 *
 * <p>A call joins when, on its thread, a Spring transaction is actually active
 * ({@link TransactionSynchronizationManager#isActualTransactionActive()}), it is not read-only, and
 * a connection of the data source is bound to it (by {@code DataSourceTransactionManager},
 * {@code JdbcTransactionManager}, or {@code JpaTransactionManager} with a dialect that exposes its
 * connection). Other calls use the application's runner. Thread-safe.
 */
public final class TransactionalOperations implements AutoCloseable {

    private final DataSource dataSource;
    private final IdempotentOperations operations;

    /**
     * @param dataSource the data source of the store's table
     * @param operations the runner on the store's transactional mode, built on
     *     {@link #connectionSource(DataSource)} of the same data source; closed with this
     */
    public TransactionalOperations(DataSource dataSource, IdempotentOperations operations) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.operations = Objects.requireNonNull(operations, "operations");
    }

    /**
     * The connections of Spring-managed transactions, for
     * {@code JdbcIdempotencyStore.transactional(ConnectionSource)}.
     *
     * @param dataSource the data source of the store's table
     * @return the connection bound to the calling thread's transaction on {@code dataSource}
     *     ({@link DataSourceUtils}); an {@link SQLException}, which the store reports as an
     *     {@code IdempotencyStoreException}, when no such transaction is active on the thread
     *     (so that no connection outside a transaction is ever handed out, and none is leaked)
     */
    public static ConnectionSource connectionSource(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return () -> {
            if (!joins(dataSource)) {
                throw new SQLException("no Spring-managed read-write transaction on the store's DataSource is active on"
                        + " this thread, so the transactional store has no connection to run in");
            }
            // The connection bound to the transaction; the transaction manager releases it when the transaction ends.
            return DataSourceUtils.doGetConnection(dataSource);
        };
    }

    /**
     * @return the transactional runner when the calling thread runs a Spring-managed read-write
     *     transaction on the data source; empty otherwise
     */
    public Optional<IdempotentOperations> forCurrentTransaction() {
        return joins(dataSource) ? Optional.of(operations) : Optional.empty();
    }

    private static boolean joins(DataSource dataSource) {
        return TransactionSynchronizationManager.isActualTransactionActive()
                && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()
                && TransactionSynchronizationManager.hasResource(dataSource);
    }

    /** Closes the transactional runner. */
    @Override
    public void close() {
        operations.close();
    }
}
