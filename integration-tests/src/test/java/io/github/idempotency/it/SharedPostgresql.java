package io.github.idempotency.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server on this machine (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}) shared by several application instances, each with its own HikariCP pool.
 * Every instance of one {@code SharedPostgresql} uses the same entries table, unique to it;
 * {@link #close()} drops it.
 */
final class SharedPostgresql implements AutoCloseable {

    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=2";

    private final String tableName = "idempotency_it_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    private SharedPostgresql() {
    }

    /** @return the shared server, which accepted a connection; skips or fails the test otherwise */
    static SharedPostgresql openOrSkip() {
        try (Connection connection = DriverManager.getConnection(URL)) {
            return new SharedPostgresql();
        } catch (SQLException e) {
            return RequiredServer.missing("PostgreSQL at 127.0.0.1:5432 (database test, user postgres)", e);
        }
    }

    /**
     * @param poolSize the most connections the instance's pool opens
     * @return a new instance's store on its own pool; the first one creates the table
     */
    Instance connectInstance(int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            StatementLog statements = new StatementLog();
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(statements.watch(pool))
                    .tableName(tableName)
                    .createTableIfMissing(true)
                    .build();
            statements.take();
            return new Instance(pool, store, statements);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Drops the instances' table. */
    @Override
    public void close() throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + tableName);
        }
    }

    /** One instance's pool and store, and the log of the statements the store executed. */
    static final class Instance implements InstanceStore {

        private final HikariDataSource pool;
        private final JdbcIdempotencyStore store;
        private final StatementLog statements;

        private Instance(HikariDataSource pool, JdbcIdempotencyStore store, StatementLog statements) {
            this.pool = pool;
            this.store = store;
            this.statements = statements;
        }

        @Override
        public JdbcIdempotencyStore store() {
            return store;
        }

        /** @return the log of the statements the store executes (not those that created the table) */
        StatementLog statements() {
            return statements;
        }

        @Override
        public void close() {
            pool.close();
        }
    }
}
