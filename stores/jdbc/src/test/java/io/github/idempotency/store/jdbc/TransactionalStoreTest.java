package io.github.idempotency.store.jdbc;

import static io.github.idempotency.core.store.Stages.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JDBC store's transactional mode on one database at one isolation level, with plain JDBC
 * transactions: each test opens its transactions on connections of its own, with auto-commit off,
 * and commits or rolls them back itself. The store reaches the transaction of the calling thread
 * through a thread-bound {@link ConnectionSource}, as a framework's transaction manager would
 * offer it. Next to the entries table, a {@code ledger} table holds what an operation writes: one
 * row per run.
 *
 * <p>A transaction is shown to wait for another one by the database's own view of its session
 * (waiting for a lock), never by sleeping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TransactionalStoreTest {

    static final Fingerprint FINGERPRINT = Fingerprint.of("transactional".getBytes(StandardCharsets.UTF_8));
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration TTL = Duration.ofHours(1);
    static final StoredResponse RESPONSE = new StoredResponse(201,
            List.of(new ResponseHeader("Location", "/payments/7"), new ResponseHeader("Content-Type", "application/json")),
            "{\"id\":7,\"amount\":1250}".getBytes(StandardCharsets.UTF_8));
    private static final int DUPLICATES = 32;
    static final long WAIT_SECONDS = 30;

    private final DialectUnderTest target;
    private final int isolation;
    private final MutableClock clock = new MutableClock();
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private final ConnectionSource source = () -> {
        Connection connection = current.get();
        if (connection == null) {
            throw new SQLException("no transaction on thread " + Thread.currentThread().getName());
        }
        return connection;
    };
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private HikariDataSource pool;
    private String table;
    private String ledger;
    private JdbcIdempotencyStore autoCommitStore;
    private TransactionalJdbcIdempotencyStore store;

    TransactionalStoreTest(DialectUnderTest target, int isolation) {
        this.target = target;
        this.isolation = isolation;
    }

    @BeforeAll
    void createTables() throws SQLException {
        table = target.createTable();
        ledger = table + "_ledger";
        execute("CREATE TABLE " + ledger + " (id VARCHAR(36) PRIMARY KEY, operation VARCHAR(100) NOT NULL,"
                + " amount BIGINT NOT NULL)");
        pool = target.database.newPool(config -> config.setMaximumPoolSize(DUPLICATES + 2));
        autoCommitStore = JdbcIdempotencyStore.builder(pool).dialect(target.dialect).tableName(table).clock(clock).build();
        store = autoCommitStore.transactional(source);
    }

    @AfterEach
    void noTransactionLeftOnThisThread() {
        assertThat(current.get()).as("transaction left open by the test").isNull();
    }

    @AfterAll
    void dropTables() {
        threads.shutdownNow();
        if (pool != null) {
            pool.close();
        }
        if (table != null) {
            target.database.dropTable(ledger);
            target.database.dropTable(table);
        }
    }

    @Test
    void rolledBackTransactionLeavesNeitherTheBusinessRowNorTheRecordAndTheKeyIsFree() throws Exception {
        EntryKey key = key();
        try (Transaction tx = new Transaction()) {
            Claim claim = acquired(tx.claim(key));
            tx.writeLedger(key);
            assertThat(claim.complete(RESPONSE, TTL)).isTrue();
            tx.rollback();
        }

        assertThat(ledgerRows(key)).isZero();
        assertThat(entryExists(key)).isFalse();
        try (Transaction next = new Transaction()) {
            acquired(next.claim(key));
            next.rollback();
        }
    }

    @Test
    void committedTransactionKeepsBothAndALaterOneGetsTheExactResponseWithoutWritingAgain() throws Exception {
        EntryKey key = key();
        try (Transaction tx = new Transaction()) {
            Claim claim = acquired(tx.claim(key));
            tx.writeLedger(key);
            assertThat(claim.complete(RESPONSE, TTL)).isTrue();
            tx.commit();
        }

        ClaimResult later = runOnce(key);

        assertThat(later).isInstanceOfSatisfying(ClaimResult.Completed.class, completed -> {
            assertThat(completed.fingerprint()).isEqualTo(FINGERPRINT);
            assertThat(completed.response()).isEqualTo(RESPONSE);
            assertThat(completed.response().body()).isEqualTo(RESPONSE.body());
        });
        assertThat(ledgerRows(key)).isOne();
    }

    /** How the first transaction ends while a duplicate waits for it, and what the duplicate then sees. */
    enum Ending { COMMIT_RECORD, COMMIT_CLAIM_ONLY, ROLL_BACK }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void concurrentDuplicateWaitsWhileTheFirstTransactionIsOpenThenSeesHowItEnded(Ending ending) throws Exception {
        EntryKey key = key();
        Duplicate duplicate;
        try (Transaction first = new Transaction()) {
            Claim claim = acquired(first.claim(key));
            first.writeLedger(key);
            if (ending == Ending.COMMIT_RECORD) {
                assertThat(claim.complete(RESPONSE, TTL)).isTrue();
            }

            duplicate = startDuplicate(key);
            awaitWaiting(Set.of(duplicate.session().get(WAIT_SECONDS, TimeUnit.SECONDS)));
            assertThat(duplicate.result()).as("the duplicate's claim while the first transaction is open").isNotDone();

            if (ending == Ending.ROLL_BACK) {
                first.rollback();
            } else {
                first.commit();
            }
        }

        ClaimResult seen = duplicate.result().get(WAIT_SECONDS, TimeUnit.SECONDS);
        switch (ending) {
            case COMMIT_RECORD -> assertThat(seen).isInstanceOfSatisfying(ClaimResult.Completed.class,
                    completed -> assertThat(completed.response()).isEqualTo(RESPONSE));
            case COMMIT_CLAIM_ONLY -> assertThat(seen).isInstanceOfSatisfying(ClaimResult.InFlight.class,
                    inFlight -> assertThat(inFlight.leaseExpiresAt()).isEqualTo(clock.instant().plus(LEASE)));
            case ROLL_BACK -> assertThat(seen).isInstanceOf(ClaimResult.Acquired.class);
        }
        assertThat(ledgerRows(key)).isOne();
        assertThat(runOnce(key)).isInstanceOf(
                ending == Ending.COMMIT_CLAIM_ONLY ? ClaimResult.InFlight.class : ClaimResult.Completed.class);
    }

    @Test
    void ofManyConcurrentDuplicatesOneRunsAndAllOthersWaitForItAndGetTheRecord() throws Exception {
        EntryKey key = key();
        CyclicBarrier start = new CyclicBarrier(DUPLICATES);
        Set<Long> sessions = ConcurrentHashMap.newKeySet();
        CompletableFuture<Long> winner = new CompletableFuture<>();
        CountDownLatch othersWaiting = new CountDownLatch(1);
        List<CompletableFuture<ClaimResult>> results = new ArrayList<>();
        for (int i = 0; i < DUPLICATES; i++) {
            results.add(CompletableFuture.supplyAsync(() -> inTransaction(tx -> {
                long session = tx.session();
                sessions.add(session);
                start.await(WAIT_SECONDS, TimeUnit.SECONDS);
                ClaimResult result = runOnce(tx, key);
                if (result instanceof ClaimResult.Acquired) {
                    winner.complete(session);
                    assertThat(othersWaiting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                }
                tx.commit();
                return result;
            }), threads));
        }

        long winnerSession = winner.get(WAIT_SECONDS, TimeUnit.SECONDS);
        Set<Long> others = ConcurrentHashMap.newKeySet();
        others.addAll(sessions);
        others.remove(winnerSession);
        assertThat(others).hasSize(DUPLICATES - 1);
        awaitWaiting(others);
        othersWaiting.countDown();

        List<ClaimResult> seen = new ArrayList<>();
        for (CompletableFuture<ClaimResult> result : results) {
            seen.add(result.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
        assertThat(seen).filteredOn(ClaimResult.Acquired.class::isInstance).hasSize(1);
        assertThat(seen).filteredOn(result -> !(result instanceof ClaimResult.Acquired))
                .hasSize(DUPLICATES - 1)
                .allSatisfy(result -> assertThat(result).isInstanceOfSatisfying(ClaimResult.Completed.class,
                        completed -> assertThat(completed.response()).isEqualTo(RESPONSE)));
        assertThat(ledgerRows(key)).isOne();
    }

    @Test
    void duplicateWaitingLongerThanTheLockTimeoutFailsNamingItAndHowToChangeIt() throws Exception {
        TransactionalJdbcIdempotencyStore impatient = autoCommitStore.transactional(source, Duration.ofSeconds(1));
        EntryKey key = key();
        try (Transaction first = new Transaction()) {
            acquired(first.claim(key));

            CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> inTransaction(duplicate -> {
                String before = duplicate.lockTimeoutSetting();
                long started = System.nanoTime();
                assertThatThrownBy(() -> impatient.claim(new ClaimRequest(key, FINGERPRINT, LEASE)))
                        .isInstanceOf(IdempotencyStoreException.class)
                        .hasMessageStartingWith("JDBC idempotency store: claim on table " + table
                                + " waited longer than its lock timeout of 1000 ms for another transaction that holds"
                                + " the same entry (SQL state ")
                        .hasMessageContaining("raise it with JdbcIdempotencyStore.transactional(source, lockTimeout)");
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (target.dialect != JdbcDialect.POSTGRESQL) { // PostgreSQL has aborted the transaction
                    assertThat(duplicate.lockTimeoutSetting()).as("the session's lock timeout after the claim")
                            .isEqualTo(before);
                }
                duplicate.rollback();
                return waitedMillis;
            }), threads);

            assertThat(waited.get(WAIT_SECONDS, TimeUnit.SECONDS)).isBetween(900L, 10_000L);
            first.commit();
        }
        assertThat(runOnce(key)).isInstanceOf(ClaimResult.InFlight.class);
    }

    @Test
    void theCallersLockTimeoutIsInForceAgainAfterEachOperation() throws Exception {
        try (Transaction tx = new Transaction()) {
            tx.setLockTimeoutToSevenSeconds();
            String before = tx.lockTimeoutSetting();
            Claim claim = acquired(tx.claim(key()));
            assertThat(tx.lockTimeoutSetting()).isEqualTo(before);
            assertThat(claim.complete(RESPONSE, TTL)).isTrue();
            assertThat(tx.lockTimeoutSetting()).isEqualTo(before);
            Claim released = acquired(tx.claim(key()));
            assertThat(released.release()).isTrue();
            assertThat(tx.lockTimeoutSetting()).isEqualTo(before);
            tx.rollback();
        }
    }

    @Test
    void committedClaimWhoseLeaseRanOutIsTakenOverAndItsStaleHolderCannotCompleteOrRelease() throws Exception {
        EntryKey key = key();
        Claim crashed;
        try (Transaction tx = new Transaction()) {
            crashed = acquired(tx.claim(new ClaimRequest(key, FINGERPRINT, Duration.ofSeconds(1))));
            tx.commit(); // the claim alone: the holder dies before its work and record
        }
        assertThat(runOnce(key)).as("before the lease ran out").isInstanceOf(ClaimResult.InFlight.class);
        clock.advance(Duration.ofSeconds(1));

        assertThat(runOnce(key)).as("after the lease ran out").isInstanceOf(ClaimResult.Acquired.class);

        try (Transaction stale = new Transaction()) {
            assertThat(crashed.complete(RESPONSE, TTL)).isFalse();
            assertThat(crashed.release()).isFalse();
            stale.commit();
        }
        assertThat(runOnce(key)).isInstanceOf(ClaimResult.Completed.class);
        assertThat(ledgerRows(key)).isOne();
    }

    @Test
    void expiredRecordIsTakenOver() throws Exception {
        EntryKey key = key();
        try (Transaction tx = new Transaction()) {
            assertThat(acquired(tx.claim(key)).complete(RESPONSE, Duration.ofSeconds(1))).isTrue();
            tx.commit();
        }
        clock.advance(Duration.ofSeconds(1));

        assertThat(runOnce(key)).isInstanceOf(ClaimResult.Acquired.class);
        assertThat(runOnce(key)).isInstanceOf(ClaimResult.Completed.class);
        assertThat(ledgerRows(key)).isOne();
    }

    @Test
    void ofManyTransactionsTakingOverOneExpiredClaimAtOnceOneRuns() throws Exception {
        int racers = 8;
        EntryKey key = key();
        try (Transaction tx = new Transaction()) {
            acquired(tx.claim(new ClaimRequest(key, FINGERPRINT, Duration.ofSeconds(1))));
            tx.commit();
        }
        clock.advance(Duration.ofSeconds(1));

        CyclicBarrier start = new CyclicBarrier(racers);
        List<CompletableFuture<ClaimResult>> results = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            results.add(CompletableFuture.supplyAsync(() -> inTransaction(tx -> {
                start.await(WAIT_SECONDS, TimeUnit.SECONDS);
                ClaimResult result = runOnce(tx, key);
                tx.commit();
                return result;
            }), threads));
        }

        List<Object> seen = new ArrayList<>();
        for (CompletableFuture<ClaimResult> result : results) {
            seen.add(result.handle((claimed, failure) -> claimed != null ? claimed : failure.getCause())
                    .get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
        assertThat(seen).filteredOn(ClaimResult.Acquired.class::isInstance).hasSize(1);
        assertThat(seen).filteredOn(result -> !(result instanceof ClaimResult.Acquired)).allSatisfy(result -> {
            if (result instanceof IdempotencyStoreException failure) {
                // InnoDB: racers holding a shared lock on the row from reading it deadlock when each would update it.
                assertThat(target.database).isEqualTo(TestDatabase.MARIADB);
                assertThat(failure).hasMessageContaining("failed (SQL state 40001)").hasMessageContaining("Deadlock");
            } else {
                assertThat(result).isInstanceOfSatisfying(ClaimResult.Completed.class,
                        completed -> assertThat(completed.response()).isEqualTo(RESPONSE));
            }
        });
        assertThat(ledgerRows(key)).isOne();
    }

    @Test
    void releaseDeletesTheClaimInTheTransactionSoTheKeyIsFreeOnceItCommits() throws Exception {
        EntryKey key = key();
        try (Transaction tx = new Transaction()) {
            Claim claim = acquired(tx.claim(key));
            assertThat(claim.release()).isTrue();
            assertThat(claim.complete(RESPONSE, TTL)).isFalse();
            tx.commit();
        }
        assertThat(entryExists(key)).isFalse();
        assertThat(runOnce(key)).isInstanceOf(ClaimResult.Acquired.class);
    }

    @Test
    void renewRunsNoStatementAndReturnsTrueLongAfterTheLease() throws Exception {
        EntryKey key = key();
        try (Transaction tx = new Transaction()) {
            Claim claim = acquired(tx.claim(new ClaimRequest(key, FINGERPRINT, Duration.ofSeconds(1))));
            clock.advance(Duration.ofMinutes(5));
            current.remove(); // renew must not need the transaction: the engine renews from another thread
            assertThat(claim.renew(LEASE)).isTrue();
            current.set(tx.connection);
            assertThat(claim.complete(RESPONSE, TTL)).as("complete long after the lease").isTrue();
            tx.commit();
        }
        assertThat(runOnce(key)).isInstanceOf(ClaimResult.Completed.class);
    }

    @Test
    void asynchronousMethodsRunNothingAndFailSayingTheModeIsBlockingOnly() throws Exception {
        EntryKey key = key();
        String refused = "refused: transactional mode is blocking only, as its statements run in the transaction of the"
                + " calling thread";
        assertThat(failureOf(store.claimAsync(new ClaimRequest(key, FINGERPRINT, LEASE))))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store: claimAsync on table " + table + " ")
                .hasMessageContaining(refused);
        try (Transaction tx = new Transaction()) {
            Claim claim = acquired(tx.claim(key));
            assertThat(failureOf(claim.completeAsync(RESPONSE, TTL))).hasMessageContaining(refused);
            assertThat(failureOf(claim.releaseAsync())).hasMessageContaining(refused);
            assertThat(failureOf(claim.renewAsync(LEASE))).hasMessageContaining(refused);
            assertThat(claim.complete(RESPONSE, TTL)).isTrue();
            tx.commit();
        }
        assertThat(runOnce(key)).isInstanceOf(ClaimResult.Completed.class);
    }

    @Test
    void connectionInAutoCommitModeIsRefused() throws Exception {
        try (Connection connection = pool.getConnection()) {
            TransactionalJdbcIdempotencyStore autoCommit = autoCommitStore.transactional(() -> connection);
            assertThatThrownBy(() -> autoCommit.claim(new ClaimRequest(key(), FINGERPRINT, LEASE)))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("JDBC idempotency store: claim on table " + table + " refused: the connection is in"
                            + " auto-commit mode, but transactional mode runs in the caller's transaction; begin one"
                            + " first (Connection.setAutoCommit(false), or a transactional method), or use the"
                            + " auto-commit JdbcIdempotencyStore");
        }
    }

    /**
     * The database's view: each of these sessions waits for a lock (PostgreSQL, MariaDB), or runs
     * the claim's insert into the entries table (H2, which waits for a conflicting uncommitted row by
     * retrying the insert); polls until it says so.
     */
    void awaitWaiting(Set<Long> sessions) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        Set<Long> waiting = Set.of();
        while (System.nanoTime() < deadline) {
            waiting = waitingSessions();
            if (waiting.containsAll(sessions)) {
                return;
            }
            // MariaDB refreshes INNODB_TRX only when it was last read more than 100 ms ago.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
        }
        throw new AssertionError("sessions " + sessions + " did not all wait within " + WAIT_SECONDS
                + " s; waiting: " + waiting);
    }

    private Set<Long> waitingSessions() throws SQLException {
        String sql = switch (target.database) {
            case POSTGRESQL -> "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'";
            case MARIADB -> "SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'";
            case H2 -> "SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE 'INSERT INTO "
                    + table + " %'";
        };
        Set<Long> sessions = ConcurrentHashMap.newKeySet();
        try (Connection connection = target.database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                sessions.add(rs.getLong(1));
            }
        }
        return sessions;
    }

    /** A second transaction, on a thread of its own, claiming {@code key} and writing the ledger if it acquires. */
    record Duplicate(CompletableFuture<Long> session, CompletableFuture<ClaimResult> result) { }

    Duplicate startDuplicate(EntryKey key) {
        return startDuplicate(key, isolation);
    }

    Duplicate startDuplicate(EntryKey key, int duplicateIsolation) {
        CompletableFuture<Long> session = new CompletableFuture<>();
        CompletableFuture<ClaimResult> result = CompletableFuture.supplyAsync(() -> inTransaction(duplicateIsolation, tx -> {
            session.complete(tx.session());
            ClaimResult claimed = runOnce(tx, key);
            tx.commit();
            return claimed;
        }), threads);
        result.whenComplete((claimed, failure) -> {
            if (failure != null) {
                session.completeExceptionally(failure);
            }
        });
        return new Duplicate(session, result);
    }

    /** The operation run once per key, in {@code tx}: claims, and when acquired writes its ledger row and completes. */
    private static ClaimResult runOnce(Transaction tx, EntryKey key) throws SQLException {
        ClaimResult result = tx.claim(key);
        if (result instanceof ClaimResult.Acquired acquired) {
            tx.writeLedger(key);
            assertThat(acquired.claim().complete(RESPONSE, TTL)).isTrue();
        }
        return result;
    }

    /** Runs the operation in a transaction of its own, on another thread, and commits. */
    ClaimResult runOnce(EntryKey key) throws Exception {
        return runOnce(key, isolation);
    }

    ClaimResult runOnce(EntryKey key, int runIsolation) throws Exception {
        return CompletableFuture.supplyAsync(() -> inTransaction(runIsolation, tx -> {
            ClaimResult result = runOnce(tx, key);
            tx.commit();
            return result;
        }), threads).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    private interface TransactionWork<T> {
        T run(Transaction tx) throws Exception;
    }

    /** Runs {@code work} in a new transaction on the calling thread; rolls back what it leaves open. */
    private <T> T inTransaction(TransactionWork<T> work) {
        return inTransaction(isolation, work);
    }

    private <T> T inTransaction(int transactionIsolation, TransactionWork<T> work) {
        try (Transaction tx = new Transaction(transactionIsolation)) {
            return work.run(tx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A transaction on a connection of its own, bound to the thread that opens it. It first reads
     * the ledger, as an operation's code might, which at {@code REPEATABLE READ} fixes the snapshot
     * the transaction reads from.
     */
    final class Transaction implements AutoCloseable {

        final Connection connection;
        private boolean ended;

        /** At the isolation level of the test class. */
        Transaction() throws SQLException {
            this(isolation);
        }

        Transaction(int transactionIsolation) throws SQLException {
            connection = pool.getConnection();
            try {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(transactionIsolation);
                try (Statement statement = connection.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + ledger)) {
                    rs.next();
                }
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            current.set(connection);
        }

        ClaimResult claim(EntryKey key) {
            return claim(new ClaimRequest(key, FINGERPRINT, LEASE));
        }

        ClaimResult claim(ClaimRequest request) {
            return store.claim(request);
        }

        void writeLedger(EntryKey key) throws SQLException {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + ledger + " (id, operation, amount) VALUES (?, ?, ?)")) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, key.key());
                insert.setLong(3, 1250);
                insert.executeUpdate();
            }
        }

        /** @return the database's id of this transaction's session */
        long session() throws SQLException {
            return queryLong(switch (target.database) {
                case POSTGRESQL -> "SELECT pg_backend_pid()";
                case MARIADB -> "SELECT CONNECTION_ID()";
                case H2 -> "SELECT SESSION_ID()";
            });
        }

        void setLockTimeoutToSevenSeconds() throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute(switch (target.database) {
                    case POSTGRESQL -> "SET LOCAL lock_timeout = '7s'";
                    case MARIADB -> "SET SESSION innodb_lock_wait_timeout = 7";
                    case H2 -> "SET LOCK_TIMEOUT 7000";
                });
            }
        }

        /** @return the lock timeout in force in this transaction's session */
        String lockTimeoutSetting() throws SQLException {
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(switch (target.database) {
                        case POSTGRESQL -> "SELECT current_setting('lock_timeout')";
                        case MARIADB -> "SELECT @@SESSION.innodb_lock_wait_timeout";
                        case H2 -> "SELECT LOCK_TIMEOUT()";
                    })) {
                rs.next();
                return rs.getString(1);
            }
        }

        private long queryLong(String sql) throws SQLException {
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        void commit() throws SQLException {
            ended = true;
            connection.commit();
        }

        void rollback() throws SQLException {
            ended = true;
            connection.rollback();
        }

        @Override
        public void close() throws SQLException {
            current.remove();
            try (connection) {
                if (!ended) {
                    connection.rollback();
                }
            }
        }
    }

    long ledgerRows(EntryKey key) throws SQLException {
        try (Connection connection = target.database.dataSource().getConnection();
                PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + ledger + " WHERE operation = ?")) {
            count.setString(1, key.key());
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private boolean entryExists(EntryKey key) throws SQLException {
        try (Connection connection = target.database.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
            select.setString(1, key.digest());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = target.database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static Claim acquired(ClaimResult result) {
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }

    static EntryKey key() {
        return new EntryKey("transactional-test", UUID.randomUUID().toString());
    }
}
