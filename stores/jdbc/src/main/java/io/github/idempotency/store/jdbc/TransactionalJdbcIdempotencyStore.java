package io.github.idempotency.store.jdbc;

import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import io.github.idempotency.store.jdbc.internal.EntryRow;
import io.github.idempotency.store.jdbc.internal.SqlFailure;
import io.github.idempotency.store.jdbc.internal.SqlWork;
import io.github.idempotency.store.jdbc.internal.TransactionalStatements;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The transactional mode of the JDBC store: an {@link IdempotencyStore} on the same table whose
 * statements run in the caller's current database transaction, so that an operation's own writes
 * and its idempotency record commit together or not at all. Made by
 * {@link JdbcIdempotencyStore#transactional(ConnectionSource)}.
 *
 * <p>Each operation runs on the connection the {@link ConnectionSource} hands out on the calling
 * thread, which must be in a transaction (auto-commit off). The store never commits, rolls back or
 * closes it. Within that transaction:
 *
 * <ul>
 *   <li>{@link #claim(ClaimRequest)} inserts the claim row. Until the transaction ends, no other
 *       transaction sees it: a concurrent claim of the same entry in another transaction waits
 *       for the row (the primary key), at most the {@linkplain #lockTimeout() lock timeout}, and
 *       then answers from what was committed: {@link ClaimResult.Completed} with the stored
 *       response if the transaction completed the claim and committed, {@link ClaimResult.InFlight}
 *       if it committed the claim alone, {@link ClaimResult.Acquired} if it rolled back. An
 *       expired record, and a committed claim whose lease has run out (its holder committed the
 *       claim and never completed it), are taken over as by the auto-commit store.</li>
 *   <li>{@link Claim#complete(StoredResponse, Duration)} turns the row into the completed record;
 *       it is stored when the transaction commits. {@link Claim#release()} deletes the row; a
 *       rollback removes it as well. Both match the claim's fencing token, not its lease.</li>
 *   <li>{@link Claim#renew(Duration)} does nothing and returns {@code true}: no other
 *       transaction can see or take over a claim that is not committed, so the lease does not run
 *       out under its holder; the lock timeout, not the lease, bounds how long others wait. The
 *       engine renews from a thread of its own, which could not use the transaction's connection
 *       anyway.</li>
 * </ul>
 *
 * <p>A statement that waits longer than the lock timeout for a row that another transaction holds
 * fails with an {@link IdempotencyStoreException} that names the timeout. On PostgreSQL the
 * transaction is then aborted; on MySQL, MariaDB and H2 only the statement is undone. Either way,
 * rolling back and trying again later is the way on. The database may also end a transaction
 * that takes part in a deadlock: on MySQL and MariaDB, whose reads of the row take a shared lock,
 * when the holder of a claim rolls back while two or more others wait for it, or when several
 * transactions take over the same expired entry at once, one or more of the others can be chosen.
 * That too is an {@link IdempotencyStoreException}, with the SQL state ({@code 40001}), and the
 * database has rolled back the caller's transaction; one transaction still acquires the entry,
 * and a retry sees what it did.
 *
 * <p>Proven at {@code READ COMMITTED} on PostgreSQL, MariaDB (both dialects) and H2, and at
 * {@code REPEATABLE READ} on MariaDB (both dialects). On PostgreSQL at {@code REPEATABLE READ} or
 * {@code SERIALIZABLE}, a claim that waited for another transaction's row fails with a
 * serialization failure (SQL state {@code 40001}) instead of answering, and the caller's
 * transaction must be retried.
 *
 * <p><b>Blocking only.</b> A transaction is bound to its thread, so {@link #claimAsync(ClaimRequest)}
 * and the {@code ...Async} methods of its claims do not run anything: they return a stage failed
 * with an {@link IdempotencyStoreException} saying so. Use the blocking methods, on the thread that
 * runs the transaction.
 *
 * <p>Thread-safe: any number of threads may use one store, each with its own transaction. Every
 * database failure is an {@link IdempotencyStoreException} naming the operation and the SQL state.
 */
public final class TransactionalJdbcIdempotencyStore implements IdempotencyStore {

    /** How long a statement waits for a row held by another transaction, unless set otherwise. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    /** How often one claim call tries again when the entry changes under it. */
    private static final int CLAIM_ATTEMPTS = 5;

    private final ConnectionSource source;
    private final String tableName;
    private final JdbcDialect dialect;
    private final Duration lockTimeout;
    private final TransactionalStatements statements;

    TransactionalJdbcIdempotencyStore(ConnectionSource source, String tableName, JdbcDialect dialect, Clock clock,
            Duration lockTimeout) {
        this.source = source;
        this.tableName = tableName;
        this.dialect = dialect;
        this.lockTimeout = lockTimeout;
        this.statements = TransactionalStatements.of(dialect, tableName, clock, lockTimeout);
    }

    /** @return the dialect this store speaks */
    public JdbcDialect dialect() {
        return dialect;
    }

    /** @return the name of the entries table */
    public String tableName() {
        return tableName;
    }

    /**
     * @return how long a statement waits for a row that another transaction holds; MySQL and
     *     MariaDB round it up to whole seconds
     */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs in the caller's transaction (see the class description): one {@code INSERT} when the
     * entry is absent; when it exists, a read of its latest committed row; when that has expired,
     * an {@code UPDATE} that takes it over. Waits at most the lock timeout for a concurrent
     * transaction holding the entry. When the entry changes between these statements (a concurrent
     * release or takeover committed), tries again, at most five times.
     *
     * @throws IdempotencyStoreException also if the calling thread's connection is in auto-commit
     *     mode, or the lock timeout passed
     */
    @Override
    public ClaimResult claim(ClaimRequest request) {
        String id = request.key().digest();
        long token = JdbcIdempotencyStore.newFencingToken();
        byte[] fingerprint = request.fingerprint().bytes();
        long lease = request.lease().toMillis();
        return run("claim", connection -> {
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                Map<String, Object> values =
                        statements.values("id", id, "fingerprint", fingerprint, "token", token, "lease", lease);
                if (statements.insert(connection, values)) {
                    return new ClaimResult.Acquired(new TransactionalClaim(request.key(), id, token));
                }
                EntryRow row = statements.select(connection, values);
                if (row != null && !row.expired()) {
                    return row.found(tableName, id);
                }
                if (row != null && statements.takeOver(connection, values)) {
                    return new ClaimResult.Acquired(new TransactionalClaim(request.key(), id, token));
                }
            }
            throw new IdempotencyStoreException("JDBC idempotency store: claim on table " + tableName + " gave up after "
                    + CLAIM_ATTEMPTS + " attempts, as the entry kept changing concurrently");
        });
    }

    /**
     * Not supported in transactional mode, which is blocking only: runs nothing.
     *
     * @return a stage failed with an {@link IdempotencyStoreException} saying so
     */
    @Override
    public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        return blockingOnly("claimAsync");
    }

    private <T> CompletionStage<T> blockingOnly(String operation) {
        return CompletableFuture.failedFuture(new IdempotencyStoreException("JDBC idempotency store: " + operation
                + " on table " + tableName + " refused: transactional mode is blocking only, as its statements run in"
                + " the transaction of the calling thread; call the blocking method on that thread, or use the"
                + " auto-commit JdbcIdempotencyStore on a non-blocking path"));
    }

    /** Runs {@code work} on the calling thread's transaction connection, never ending the transaction. */
    private <T> T run(String operation, SqlWork<T> work) {
        try {
            Connection connection = source.currentConnection();
            if (connection == null) {
                throw new IdempotencyStoreException("JDBC idempotency store: " + operation + " on table " + tableName
                        + " refused: the ConnectionSource returned no connection");
            }
            if (connection.getAutoCommit()) {
                throw new IdempotencyStoreException("JDBC idempotency store: " + operation + " on table " + tableName
                        + " refused: the connection is in auto-commit mode, but transactional mode runs in the caller's"
                        + " transaction; begin one first (Connection.setAutoCommit(false), or a transactional method),"
                        + " or use the auto-commit JdbcIdempotencyStore");
            }
            return statements.withLockTimeout(connection, work);
        } catch (SQLException e) {
            if (statements.isLockTimeout(e)) {
                throw new IdempotencyStoreException("JDBC idempotency store: " + operation + " on table " + tableName
                        + " waited longer than its lock timeout of " + lockTimeout.toMillis() + " ms for another"
                        + " transaction that holds the same entry (SQL state " + e.getSQLState() + "); raise it with"
                        + " JdbcIdempotencyStore.transactional(source, lockTimeout), or keep transactions that hold a"
                        + " claim short. Roll this transaction back: " + e.getMessage(), e);
            }
            throw SqlFailure.of(operation, tableName, e);
        }
    }

    /** The handle of a claim held in the caller's transaction: its row id and fencing token. */
    private final class TransactionalClaim implements Claim {

        private final EntryKey key;
        private final String id;
        private final long token;

        TransactionalClaim(EntryKey key, String id, long token) {
            this.key = key;
            this.id = id;
            this.token = token;
        }

        @Override
        public EntryKey key() {
            return key;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        /**
         * {@inheritDoc}
         *
         * <p>Updates the row in the transaction of the calling thread: the record is stored when
         * that transaction commits.
         */
        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            byte[] encoded = StoredResponseCodec.encode(response);
            long ttlMillis = JdbcIdempotencyStore.positiveMillis(ttl, "ttl");
            return run("complete", connection -> statements.complete(
                    connection, statements.values("id", id, "token", token, "response", encoded, "ttl", ttlMillis)));
        }

        /** {@inheritDoc} Deletes the row in the transaction of the calling thread. */
        @Override
        public boolean release() {
            return run("release", connection -> statements.release(connection, statements.values("id", id, "token", token)));
        }

        /**
         * Does nothing: while the transaction holds the claim, no other transaction can see or take
         * it over (see the class description).
         *
         * @return {@code true}
         */
        @Override
        public boolean renew(Duration lease) {
            JdbcIdempotencyStore.positiveMillis(lease, "lease");
            return true;
        }

        /** Not supported in transactional mode: returns a failed stage (see the class description). */
        @Override
        public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
            return blockingOnly("completeAsync");
        }

        /** Not supported in transactional mode: returns a failed stage (see the class description). */
        @Override
        public CompletionStage<Boolean> releaseAsync() {
            return blockingOnly("releaseAsync");
        }

        /** Not supported in transactional mode: returns a failed stage (see the class description). */
        @Override
        public CompletionStage<Boolean> renewAsync(Duration lease) {
            return blockingOnly("renewAsync");
        }

        @Override
        public String toString() {
            return "TransactionalJdbcClaim[table=" + tableName + ", id=" + id + ", fencingToken=" + token + "]";
        }
    }
}
