package io.github.idempotency.store.jdbc;

import static io.github.idempotency.core.store.Stages.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Database failures reach the caller as {@link IdempotencyStoreException} naming the operation and
 * SQL state: thrown by the blocking methods, the failure of the stage of the asynchronous ones.
 */
class JdbcStoreFailureTest {

    private static final ClaimRequest REQUEST = request(new EntryKey("failure-test", "key"));

    @Test
    void unreachableDatabaseFailsEveryOperationQuicklyWithTheOperationAndSqlState() throws IOException {
        DataSource unreachable = unreachablePostgresql();
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(unreachable).dialect(JdbcDialect.POSTGRESQL).build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> store.claim(REQUEST))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store: claim on table idempotency_entries failed (SQL state 08001): ");
        assertThat(failureOf(store.claimAsync(REQUEST)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store: claim on table idempotency_entries failed (SQL state 08001): ");
        assertThatThrownBy(() -> store.purgeExpired(10))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store: purgeExpired on table idempotency_entries failed (SQL state 08001): ");
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder(unreachable).build())
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store: detect the dialect on table idempotency_entries failed (SQL state 08001): ");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        store.close();
    }

    @Test
    void exhaustedPoolFailsTheClaimAndTheAsyncClaimAfterItsConnectionTimeout() throws Exception {
        String table = DialectUnderTest.H2.createTable();
        try (HikariDataSource pool = TestDatabase.H2.newPool(config -> config.setConnectionTimeout(250));
                Connection taken = pool.getConnection();
                JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(pool).dialect(JdbcDialect.H2).tableName(table).build()) {
            // HikariCP reports a timeout without an SQL state.
            String failure = "JDBC idempotency store: claim on table " + table + " failed (no SQL state): ";

            long start = System.nanoTime();
            assertThatThrownBy(() -> store.claim(REQUEST))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageStartingWith(failure)
                    .hasMessageContaining("Connection is not available, request timed out after");
            assertThat(failureOf(store.claimAsync(REQUEST)))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageStartingWith(failure)
                    .hasMessageContaining("Connection is not available, request timed out after");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            TestDatabase.H2.dropTable(table);
        }
    }

    @Test
    void databaseLostAfterTheClaimFailsTheAsyncCompleteReleaseAndRenewStages() {
        String table = DialectUnderTest.H2.createTable();
        AtomicBoolean lost = new AtomicBoolean();
        DataSource losable = InterceptedDataSource.of(TestDatabase.H2.dataSource(), () -> {
            if (lost.get()) {
                throw new SQLException("the database is gone", "08006");
            }
        });
        try (JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(losable).dialect(JdbcDialect.H2).tableName(table).build()) {
            Claim claim = ((ClaimResult.Acquired) store.claim(request(new EntryKey("failure-test", UUID.randomUUID().toString()))))
                    .claim();
            lost.set(true);

            Map<String, CompletionStage<Boolean>> stages = Map.of(
                    "complete", claim.completeAsync(new StoredResponse(201, List.of(), new byte[0]), Duration.ofHours(1)),
                    "release", claim.releaseAsync(),
                    "renew", claim.renewAsync(Duration.ofSeconds(30)));

            stages.forEach((operation, stage) -> assertThat(failureOf(stage))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("JDBC idempotency store: " + operation + " on table " + table
                            + " failed (SQL state 08006): the database is gone"));
        } finally {
            TestDatabase.H2.dropTable(table);
        }
    }

    @Test
    void missingTableFailsWithTheDatabasesSqlState() {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                .dialect(JdbcDialect.H2).tableName("idem_never_created").build();

        assertThatThrownBy(() -> store.claim(REQUEST))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("JDBC idempotency store: claim on table idem_never_created failed (SQL state 42S0")
                .hasMessageContaining("IDEM_NEVER_CREATED");
    }

    @Test
    void rowThatIsNotAnEntryIsReportedWithItsIdAndWhatIsWrong() throws SQLException {
        String table = DialectUnderTest.H2.createTable();
        try (Connection connection = TestDatabase.H2.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                        + " (id, state, fingerprint, fencing_token, expires_at, response, created_at)"
                        + " VALUES (?, ?, X'01', 1, ?, NULL, 0)")) {
            for (String state : new String[] {"RECORD", "LOCKED"}) {
                EntryKey key = new EntryKey("failure-test", state);
                insert.setString(1, key.digest());
                insert.setString(2, state);
                insert.setLong(3, Long.MAX_VALUE);
                insert.executeUpdate();
            }
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                    .dialect(JdbcDialect.H2).tableName(table).build();

            assertThatThrownBy(() -> store.claim(request(new EntryKey("failure-test", "RECORD"))))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("JDBC idempotency store: row " + new EntryKey("failure-test", "RECORD").digest() + " of table "
                            + table + " cannot be read as an entry: a completed record without a response");
            assertThatThrownBy(() -> store.claim(request(new EntryKey("failure-test", "LOCKED"))))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("JDBC idempotency store: row " + new EntryKey("failure-test", "LOCKED").digest() + " of table "
                            + table + " cannot be read as an entry: unknown state 'LOCKED'");
        } finally {
            TestDatabase.H2.dropTable(table);
        }
    }

    private static ClaimRequest request(EntryKey key) {
        return new ClaimRequest(key, Fingerprint.of(new byte[] {1}), Duration.ofSeconds(30));
    }

    /** @return a PostgreSQL data source for a local port nothing listens on, giving up after one second */
    private static DataSource unreachablePostgresql() throws IOException {
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setServerNames(new String[] {"127.0.0.1"});
        unreachable.setPortNumbers(new int[] {closedPort()});
        unreachable.setDatabaseName("test");
        unreachable.setConnectTimeout(1);
        return unreachable;
    }

    /** @return a local port nothing listens on */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
