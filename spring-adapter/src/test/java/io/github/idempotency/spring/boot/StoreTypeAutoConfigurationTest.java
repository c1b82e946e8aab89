package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.spring.internal.ScheduledPurge;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * {@code idempotency.store.type=redis} and {@code =jdbc}: the store each builds from the properties,
 * against the local Redis, H2 and the local PostgreSQL, the purge schedule, and the messages when
 * something the type needs is missing.
 */
class StoreTypeAutoConfigurationTest {

    private static final String PAYMENT_SCOPE = "alice POST /payments";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

    // ---------------------------------------------------------------- Redis

    @Test
    void redisTypeConnectsToTheConfiguredServerWithTheKeyPrefix() {
        String url = LocalServer.REDIS.requireRunning();
        String prefix = "idempotency-spring-test:" + UUID.randomUUID() + ":";
        EntryKey entry = new EntryKey(PAYMENT_SCOPE, UUID.randomUUID().toString());

        runner.withPropertyValues("idempotency.store.type=redis", "idempotency.store.redis.url=" + url,
                        "idempotency.store.redis.key-prefix=" + prefix)
                .run(context -> {
                    assertThat(context).hasSingleBean(IdempotencyStore.class);
                    RedisIdempotencyStore store = context.getBean(RedisIdempotencyStore.class);
                    assertThat(context.getBean(IdempotencyEngine.class)).isNotNull();

                    ClaimResult claimed = store.claim(claimRequest(entry));

                    assertThat(claimed).isInstanceOf(ClaimResult.Acquired.class);
                    assertThat(store.redisKey(entry)).startsWith(prefix);
                    RedisClient client = RedisClient.create(url);
                    try (StatefulRedisConnection<String, String> connection = client.connect()) {
                        assertThat(connection.sync().exists(store.redisKey(entry))).isEqualTo(1L);
                        connection.sync().del(store.redisKey(entry));
                    } finally {
                        client.shutdown();
                    }
                });
    }

    @Test
    void redisStoreIsClosedWithTheContext() {
        String url = LocalServer.REDIS.requireRunning();
        AtomicReference<RedisIdempotencyStore> closed = new AtomicReference<>();

        runner.withPropertyValues("idempotency.store.type=redis", "idempotency.store.redis.url=" + url)
                .run(context -> closed.set(context.getBean(RedisIdempotencyStore.class)));

        assertThatThrownBy(() -> closed.get().claim(claimRequest(new EntryKey(PAYMENT_SCOPE, "after-close"))))
                .isInstanceOf(IdempotencyStoreException.class);
    }

    @Test
    void unreachableRedisFailsStartupNamingTheUrlProperty() {
        runner.withPropertyValues("idempotency.store.type=redis", "idempotency.store.redis.url=redis://127.0.0.1:1")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessageContaining("idempotency.store.redis.url cannot be reached")
                        .hasMessageContaining("127.0.0.1:1"));
    }

    @Test
    void invalidRedisPropertiesFailStartupBeforeConnecting() {
        runner.withPropertyValues("idempotency.store.type=redis", "idempotency.store.redis.url=redis://127.0.0.1:1",
                        "idempotency.store.redis.key-prefix=orders{1}:")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessageStartingWith("Invalid idempotency.store.redis.* properties: keyPrefix must not contain"));
        runner.withPropertyValues("idempotency.store.type=redis", "idempotency.store.redis.url=redis://127.0.0.1:1",
                        "idempotency.store.redis.command-timeout=0s")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessageContaining("commandTimeout must be positive"));
        runner.withPropertyValues("idempotency.store.type=redis", "idempotency.store.redis.url=http://127.0.0.1:6379")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessageStartingWith("Invalid idempotency.store.redis.* properties"));
    }

    @Test
    void redisTypeWithoutTheRedisModuleNamesTheDependency() {
        runner.withClassLoader(new FilteredClassLoader(RedisIdempotencyStore.class))
                .withPropertyValues("idempotency.store.type=redis")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessage("idempotency.store.type is redis, but the Redis store is not on the class path: add"
                                + " the dependency io.github.idempotency:idempotency-store-redis; or define an"
                                + " IdempotencyStore bean"));
    }

    @Test
    void redisTypeWithoutLettuceNamesTheDependencies() {
        runner.withClassLoader(new FilteredClassLoader("io.lettuce.core"))
                .withPropertyValues("idempotency.store.type=redis")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessageContaining("add the dependency io.lettuce:lettuce-core;"));
        runner.withClassLoader(new FilteredClassLoader(RedisIdempotencyStore.class, RedisClient.class))
                .withPropertyValues("idempotency.store.type=redis")
                .run(context -> assertThat(startupProblem(context)).hasMessageContaining("add the dependencies"
                        + " io.github.idempotency:idempotency-store-redis and io.lettuce:lettuce-core;"));
    }

    @Test
    void emptyStoreTypeFailsStartupListingTheTypes() {
        runner.withPropertyValues("idempotency.store.type=")
                .run(context -> assertThat(startupProblem(context)).hasMessage(
                        "idempotency.store.type is empty: set it to memory, redis or jdbc; or define an IdempotencyStore bean"));
    }

    @Test
    void userStoreWinsOverTheConfiguredType() {
        IdempotencyStore own = request -> {
            throw new UnsupportedOperationException("never called in this test");
        };
        runner.withClassLoader(new FilteredClassLoader(RedisIdempotencyStore.class, JdbcIdempotencyStore.class))
                .withBean(IdempotencyStore.class, () -> own)
                .withPropertyValues("idempotency.store.type=redis")
                .run(context -> assertThat(context.getBean(IdempotencyStore.class)).isSameAs(own));
        runner.withBean(IdempotencyStore.class, () -> own)
                .withBean(DataSource.class, StoreTypeAutoConfigurationTest::h2)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.purge.enabled=true")
                .run(context -> {
                    assertThat(context.getBean(IdempotencyStore.class)).isSameAs(own);
                    assertThat(context).doesNotHaveBean(ScheduledPurge.class);
                });
    }

    // ---------------------------------------------------------------- JDBC

    @Test
    void jdbcTypeOnH2CreatesTheTableWhenAsked() {
        DataSource h2 = h2();

        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always",
                        "idempotency.store.jdbc.table-name=payment_keys")
                .run(context -> {
                    JdbcIdempotencyStore store = context.getBean(JdbcIdempotencyStore.class);
                    assertThat(context).hasSingleBean(IdempotencyStore.class);
                    assertThat(store.dialect()).isEqualTo(JdbcDialect.H2);
                    assertThat(store.tableName()).isEqualTo("payment_keys");

                    ClaimResult claimed = store.claim(claimRequest(new EntryKey(PAYMENT_SCOPE, "k-1")));

                    assertThat(claimed).isInstanceOf(ClaimResult.Acquired.class);
                    assertThat(rows(h2, "payment_keys")).isEqualTo(1);
                });
    }

    @Test
    void jdbcTypeCreatesTheTableByDefaultOnAnInMemoryH2() {
        DataSource h2 = h2();

        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues("idempotency.store.type=jdbc")
                .run(context -> {
                    assertThat(context.getBean(JdbcIdempotencyStore.class).dialect()).isEqualTo(JdbcDialect.H2);
                    assertThat(tableExists(h2, "idempotency_entries")).isTrue();
                });
    }

    @Test
    void aMissingTableFailsTheStartupNamingThePropertyAndTheSchemaFile() {
        DataSource h2 = h2();

        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=never")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(SQLException.class);
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(
                            "The idempotency entries table idempotency_entries is missing or lacks columns");
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(
                            "create it with io/github/idempotency/store/jdbc/schema-h2.sql");
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(
                            "or set idempotency.store.jdbc.initialize-schema=always (it is never)");
                    assertThat(tableExists(h2, "idempotency_entries")).isFalse();
                });
    }

    @Test
    void onPostgresqlTheDefaultCreatesNothingAndAMissingTableFailsTheStartup() {
        String url = LocalServer.POSTGRESQL.requireRunning();
        String table = "idempotency_absent_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, IdempotencyAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url, "idempotency.store.type=jdbc",
                        "idempotency.store.jdbc.table-name=" + table)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(
                            "create it with io/github/idempotency/store/jdbc/schema-postgresql.sql");
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("(it is embedded)");
                });
    }

    @Test
    void namedDialectStartsWithoutReachingTheDatabase() {
        JdbcDataSource absent = new JdbcDataSource();
        absent.setURL("jdbc:h2:mem:absent-" + UUID.randomUUID() + ";IFEXISTS=TRUE");

        runner.withBean(DataSource.class, () -> absent)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.dialect=postgresql",
                        "idempotency.store.jdbc.time-source=database")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(JdbcIdempotencyStore.class).dialect()).isEqualTo(JdbcDialect.POSTGRESQL);
                    assertThat(context.getBean(IdempotencyProperties.class).getStore().getJdbc().getTimeSource())
                            .isEqualTo(IdempotencyProperties.JdbcTimeSource.DATABASE);
                });
    }

    @Test
    void jdbcTypeOnPostgresqlThroughBootsDataSource() throws SQLException {
        String url = LocalServer.POSTGRESQL.requireRunning();
        String table = "idempotency_spring_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

        try {
            new WebApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                            IdempotencyAutoConfiguration.class))
                    .withPropertyValues("spring.datasource.url=" + url, "idempotency.store.type=jdbc",
                            "idempotency.store.jdbc.initialize-schema=always", "idempotency.store.jdbc.table-name=" + table)
                    .run(context -> {
                        JdbcIdempotencyStore store = context.getBean(JdbcIdempotencyStore.class);
                        DataSource dataSource = context.getBean(DataSource.class);
                        assertThat(store.dialect()).isEqualTo(JdbcDialect.POSTGRESQL);

                        ClaimResult claimed = store.claim(claimRequest(new EntryKey(PAYMENT_SCOPE, "k-1")));

                        assertThat(claimed).isInstanceOf(ClaimResult.Acquired.class);
                        assertThat(rows(dataSource, table)).isEqualTo(1);
                    });
        } finally {
            dropTable(url, table);
        }
    }

    @Test
    void jdbcTypeWithoutADataSourceSaysHowToGetOne() {
        runner.withPropertyValues("idempotency.store.type=jdbc")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessageStartingWith("idempotency.store.type is jdbc, but the application has no DataSource bean")
                        .hasMessageContaining("spring.datasource.url"));
    }

    @Test
    void jdbcTypeWithoutTheJdbcModuleNamesTheDependency() {
        runner.withClassLoader(new FilteredClassLoader(JdbcIdempotencyStore.class))
                .withBean(DataSource.class, StoreTypeAutoConfigurationTest::h2)
                .withPropertyValues("idempotency.store.type=jdbc")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessage("idempotency.store.type is jdbc, but the JDBC store is not on the class path: add the"
                                + " dependency io.github.idempotency:idempotency-store-jdbc; or define an IdempotencyStore"
                                + " bean"));
    }

    @Test
    void invalidTableNameFailsStartupNamingTheProperty() {
        runner.withBean(DataSource.class, StoreTypeAutoConfigurationTest::h2)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.table-name=keys;drop")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessageStartingWith("Invalid idempotency.store.jdbc.table-name: Table name 'keys;drop'"));
    }

    // ---------------------------------------------------------------- purge

    @Test
    void noPurgeUnlessEnabled() {
        runner.withBean(DataSource.class, StoreTypeAutoConfigurationTest::h2)
                .withPropertyValues("idempotency.store.type=jdbc")
                .run(context -> assertThat(context).doesNotHaveBean(ScheduledPurge.class));
        runner.withPropertyValues("idempotency.store.jdbc.purge.enabled=true")
                .run(context -> assertThat(context).doesNotHaveBean(ScheduledPurge.class));
    }

    @Test
    void enabledPurgeDeletesExpiredRowsOnItsSchedule() throws SQLException {
        DataSource h2 = h2();
        createTable(h2);
        insertEntries(h2, 3, 1);
        insertEntries(h2, 2, Long.MAX_VALUE / 2);
        CountDownLatch purgeStatements = new CountDownLatch(2);

        runner.withBean(DataSource.class, () -> signallingDeletes(h2, purgeStatements))
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.purge.enabled=true",
                        "idempotency.store.jdbc.purge.interval=10ms", "idempotency.store.jdbc.purge.batch-size=2")
                .run(context -> {
                    assertThat(purgeStatements.await(10, TimeUnit.SECONDS))
                            .as("two purge batches ran on the schedule").isTrue();
                    assertThat(rows(h2, "idempotency_entries")).isEqualTo(2);
                });
    }

    @Test
    void oneRunDeletesAtMostTenFullBatches() throws SQLException {
        DataSource h2 = h2();
        createTable(h2);
        insertEntries(h2, 25, 1);
        insertEntries(h2, 3, Long.MAX_VALUE / 2);

        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.purge.enabled=true",
                        "idempotency.store.jdbc.purge.interval=1h", "idempotency.store.jdbc.purge.batch-size=2")
                .run(context -> {
                    ScheduledPurge purge = context.getBean(ScheduledPurge.class);

                    assertThat(purge.runOnce()).isEqualTo(2 * ScheduledPurge.MAX_BATCHES_PER_RUN);
                    assertThat(purge.runOnce()).isEqualTo(5);
                    assertThat(purge.runOnce()).isZero();
                    assertThat(rows(h2, "idempotency_entries")).isEqualTo(3);
                });
    }

    @Test
    void purgeThreadStopsWithTheContext() throws InterruptedException {
        runner.withBean(DataSource.class, StoreTypeAutoConfigurationTest::h2)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always",
                        "idempotency.store.jdbc.purge.enabled=true", "idempotency.store.jdbc.purge.interval=10ms")
                .run(context -> assertThat(purgeThreadAlive()).isTrue());

        // The executor has terminated once close returns; its thread may still be on its way out.
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("idempotency-purge")) {
                thread.join(10_000);
            }
        }
        assertThat(purgeThreadAlive()).isFalse();
    }

    @Test
    void invalidPurgeSettingsFailStartup() {
        runner.withBean(DataSource.class, StoreTypeAutoConfigurationTest::h2)
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.purge.enabled=true",
                        "idempotency.store.jdbc.purge.batch-size=0")
                .run(context -> assertThat(startupProblem(context))
                        .hasMessage("Invalid idempotency.store.jdbc.purge.* properties: batch size must be positive, was 0"));
    }

    // ---------------------------------------------------------------- helpers

    private static ClaimRequest claimRequest(EntryKey key) {
        return new ClaimRequest(key, Fingerprint.of(new byte[32]), Duration.ofSeconds(30));
    }

    /** The first {@link IllegalStateException} among the causes of the context's startup failure. */
    private static Throwable startupProblem(AssertableWebApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable problem = context.getStartupFailure();
        while (problem != null && !(problem instanceof IllegalStateException)) {
            problem = problem.getCause();
        }
        assertThat(problem).as("an IllegalStateException causing %s", context.getStartupFailure()).isNotNull();
        return problem;
    }

    private static boolean purgeThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("idempotency-purge") && thread.isAlive());
    }

    private static JdbcDataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:spring-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    private static void createTable(DataSource dataSource) {
        JdbcIdempotencyStore.builder(dataSource).createTableIfMissing(true).build();
    }

    private static void insertEntries(DataSource dataSource, int count, long expiresAt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO idempotency_entries"
                        + " (id, state, fingerprint, fencing_token, expires_at, response, created_at)"
                        + " VALUES (?, 'CLAIM', ?, 1, ?, NULL, 0)")) {
            for (int i = 0; i < count; i++) {
                insert.setString(1, hex32() + hex32());
                insert.setBytes(2, new byte[32]);
                insert.setLong(3, expiresAt);
                insert.executeUpdate();
            }
        }
    }

    private static String hex32() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static int rows(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            count.next();
            return count.getInt(1);
        }
    }

    private static boolean tableExists(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                ResultSet tables = connection.getMetaData().getTables(null, null, table.toUpperCase(Locale.ROOT), null)) {
            return tables.next();
        }
    }

    private static void dropTable(String url, String table) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /**
     * {@code target}, counting down {@code deletes} each time a connection that prepared a
     * {@code DELETE} is given back, that is, after the statement ran.
     */
    private static DataSource signallingDeletes(DataSource target, CountDownLatch deletes) {
        return proxy(DataSource.class, target, (method, args, result) -> {
            if (!method.getName().equals("getConnection")) {
                return result;
            }
            AtomicBoolean deleted = new AtomicBoolean();
            return proxy(Connection.class, (Connection) result, (connectionMethod, sql, connectionResult) -> {
                if (connectionMethod.getName().equals("prepareStatement")
                        && sql[0].toString().stripLeading().toUpperCase(Locale.ROOT).startsWith("DELETE")) {
                    deleted.set(true);
                }
                if (connectionMethod.getName().equals("close") && deleted.get()) {
                    deletes.countDown();
                }
                return connectionResult;
            });
        });
    }

    private interface AfterCall {
        Object apply(Method method, Object[] args, Object result);
    }

    private static <T> T proxy(Class<T> type, T target, AfterCall afterCall) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            try {
                return afterCall.apply(method, args, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
