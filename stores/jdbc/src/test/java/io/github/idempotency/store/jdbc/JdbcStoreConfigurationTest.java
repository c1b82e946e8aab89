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
import io.github.idempotency.core.store.StoredResponse;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Building the store: dialect detection, table creation, table names, settings and arguments. */
class JdbcStoreConfigurationTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Fingerprint FINGERPRINT = Fingerprint.of(new byte[] {7});

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void createTableIfMissingCreatesTheTableAndItsExpiryIndexAndIsSafeToRepeat(TestDatabase database) throws SQLException {
        String table = database.newTableName();
        try {
            for (int build = 0; build < 2; build++) {
                JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(database.dataSource())
                        .tableName(table).createTableIfMissing(true).build();
                assertThat(store.claim(new ClaimRequest(key(), FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.Acquired.class);
            }

            assertThat(indexedColumns(database, table)).contains(table + "_expires_at_idx(expires_at)");
        } finally {
            database.dropTable(table);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void createTableIfMissingOnAnExistingTableDoesNotWaitForTransactionsWritingToIt(TestDatabase database)
            throws Exception {
        String table = database.newTableName();
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try (Connection writer = database.dataSource().getConnection()) {
            JdbcIdempotencyStore.builder(database.dataSource()).tableName(table).createTableIfMissing(true).build();
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("DELETE FROM " + table); // holds the table's write lock until the rollback
            }
            Future<JdbcIdempotencyStore> restart = starter.submit(() -> JdbcIdempotencyStore.builder(database.dataSource())
                    .tableName(table).createTableIfMissing(true).build());

            assertThat(restart.get(10, TimeUnit.SECONDS).tableName()).isEqualTo(table);
            writer.rollback();
        } finally {
            starter.shutdownNow();
            database.dropTable(table);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void checkTableNamesTheMissingTableAndTheSchemaFileAndPassesOnceItExists(TestDatabase database) {
        String table = database.newTableName();
        try {
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(database.dataSource()).tableName(table).build();

            assertThatThrownBy(store::checkTable)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("The idempotency entries table " + table + " is missing")
                    .hasMessageContaining(store.dialect().schemaResource());
            JdbcIdempotencyStore.builder(database.dataSource()).tableName(table).createTableIfMissing(true).build()
                    .checkTable();
        } finally {
            database.dropTable(table);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void dialectIsDetectedFromTheDatabase(TestDatabase database) {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(database.dataSource()).build();

        assertThat(store.dialect()).isEqualTo(switch (database) {
            case POSTGRESQL -> JdbcDialect.POSTGRESQL;
            case MARIADB -> JdbcDialect.MARIADB;
            case H2 -> JdbcDialect.H2;
        });
    }

    @Test
    void mariaDbIsRecognisedBehindMySqlDriversAndBefore105GetsTheMySqlDialect() {
        assertThat(JdbcDialect.detect("MySQL", "5.5.5-10.11.6-MariaDB-0+deb12u1", 5, 5)).isEqualTo(JdbcDialect.MARIADB);
        assertThat(JdbcDialect.detect("MySQL", "5.5.5-10.4.34-MariaDB", 5, 5)).isEqualTo(JdbcDialect.MYSQL);
        assertThat(JdbcDialect.detect("MariaDB", "10.4.34-MariaDB", 10, 4)).isEqualTo(JdbcDialect.MYSQL);
        assertThat(JdbcDialect.detect("MariaDB", "11.4.2-MariaDB", 11, 4)).isEqualTo(JdbcDialect.MARIADB);
        assertThat(JdbcDialect.detect("MySQL", "8.4.3", 8, 4)).isEqualTo(JdbcDialect.MYSQL);
        assertThat(JdbcDialect.detect("PostgreSQL", "17.2", 17, 2)).isEqualTo(JdbcDialect.POSTGRESQL);
        assertThat(JdbcDialect.detect("H2", "2.4.240 (2025-09-22)", 2, 4)).isEqualTo(JdbcDialect.H2);
    }

    @Test
    void unsupportedDatabaseIsNamedInTheError() {
        assertThatThrownBy(() -> JdbcDialect.detect("Oracle", "Oracle Database 23ai", 23, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The JDBC idempotency store supports PostgreSQL, MySQL, MariaDB and H2; "
                        + "the DataSource connects to 'Oracle Oracle Database 23ai'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1entries", "my-entries", "entries; DROP TABLE users", "public.entries", "\"entries\"",
            "entr\u00e9es", "entries ", "a234567890123456789012345678901234567890123456789"})
    void tableNameThatIsNotAPlainIdentifierIsRejectedWithTheRule(String name) {
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource()).tableName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Table name '" + name + "' is not a plain SQL identifier: use 1 to 48 letters (A-Z, a-z), "
                        + "digits and underscores, not starting with a digit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"_", "Idempotency_Entries_2", "a23456789012345678901234567890123456789012345678"})
    void plainIdentifiersUpTo48CharactersAreAccepted(String name) {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                .dialect(JdbcDialect.H2).tableName(name).build();

        assertThat(store.tableName()).isEqualTo(name);
    }

    @Test
    void clockTogetherWithDatabaseTimeIsRejected() {
        JdbcIdempotencyStore.Builder builder = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                .dialect(JdbcDialect.H2).clock(new MutableClock()).timeSource(TimeSource.DATABASE);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A clock was set but the time source is DATABASE, which reads the database server's clock: "
                        + "set one or the other");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 32768})
    void asyncThreadsOutsideOneTo32767AreRejected(int threads) {
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource()).asyncThreads(threads))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("asyncThreads must be between 1 and 32767 (about the connections the store may hold at once), was "
                        + threads);
    }

    @Test
    void asyncThreadsTogetherWithAnAsyncExecutorIsRejected() {
        JdbcIdempotencyStore.Builder builder = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                .dialect(JdbcDialect.H2).asyncThreads(4).asyncExecutor(Runnable::run);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Both asyncThreads and asyncExecutor were set, but asyncThreads sizes the store's own executor,"
                        + " which a given executor replaces: set one or the other");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 2_147_483_648L})
    void transactionalLockTimeoutsOutsideOneMillisecondToIntegerMaxValueAreRejected(long millis) {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource()).dialect(JdbcDialect.H2).build();

        assertThatThrownBy(() -> store.transactional(() -> null, Duration.ofMillis(millis)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lockTimeout must be between 1 ms and 2147483647 ms, was " + Duration.ofMillis(millis));
    }

    @Test
    void transactionalModeKeepsTheTableAndDialectAndDefaultsToATenSecondLockTimeout() {
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                .dialect(JdbcDialect.H2).tableName("orders_idempotency").build();

        TransactionalJdbcIdempotencyStore transactional = store.transactional(() -> null);

        assertThat(transactional.tableName()).isEqualTo("orders_idempotency");
        assertThat(transactional.dialect()).isEqualTo(JdbcDialect.H2);
        assertThat(transactional.lockTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(store.transactional(() -> null, Duration.ofMillis(1500)).lockTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void claimIsCommittedWhenThePoolHandsOutConnectionsWithoutAutoCommit() {
        String table = DialectUnderTest.H2.createTable();
        try (HikariDataSource manualCommit = TestDatabase.H2.newPool(config -> config.setAutoCommit(false))) {
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(manualCommit).dialect(JdbcDialect.H2).tableName(table).build();
            JdbcIdempotencyStore autoCommit = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                    .dialect(JdbcDialect.H2).tableName(table).build();
            EntryKey key = key();

            Claim claim = ((ClaimResult.Acquired) store.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).claim();

            assertThat(autoCommit.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.InFlight.class);
            assertThat(claim.complete(new StoredResponse(201, List.of(), new byte[0]), Duration.ofHours(1))).isTrue();
            assertThat(autoCommit.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.Completed.class);
        } finally {
            TestDatabase.H2.dropTable(table);
        }
    }

    @Test
    void durationsAndBatchSizesBelowTheirMinimumAreRejected() {
        String table = DialectUnderTest.H2.createTable();
        try (JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource())
                .dialect(JdbcDialect.H2).tableName(table).build()) {
            Claim claim = ((ClaimResult.Acquired) store.claim(new ClaimRequest(key(), FINGERPRINT, LEASE))).claim();

            assertThatThrownBy(() -> claim.complete(new StoredResponse(200, List.of(), new byte[0]), Duration.ofNanos(999_999)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ttl must be at least 1 ms, was PT0.000999999S");
            assertThatThrownBy(() -> claim.renew(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lease must be at least 1 ms, was PT-1S");
            assertThatThrownBy(() -> store.purgeExpired(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxRows must be positive, was 0");
            assertThat(failureOf(claim.renewAsync(Duration.ofSeconds(-1))))
                    .as("the asynchronous form fails its stage instead of throwing")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lease must be at least 1 ms, was PT-1S");
            assertThat(claim.renew(LEASE)).as("the claim is untouched by the rejected calls").isTrue();
        } finally {
            TestDatabase.H2.dropTable(table);
        }
    }

    /** @return the table's indexes as {@code name(column)}, in lower case */
    private static List<String> indexedColumns(TestDatabase database, String table) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            String stored = metaData.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
            try (ResultSet rs = metaData.getIndexInfo(connection.getCatalog(), connection.getSchema(), stored, false, false)) {
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        indexes.add((rs.getString("INDEX_NAME") + "(" + rs.getString("COLUMN_NAME") + ")").toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return indexes;
    }

    private static EntryKey key() {
        return new EntryKey("configuration-test", UUID.randomUUID().toString());
    }
}
