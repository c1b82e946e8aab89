package io.github.idempotency.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the tests run against, each behind one HikariCP pool per test JVM. PostgreSQL and
 * MariaDB are the local servers; when one does not answer, its tests are skipped, unless the
 * environment variable {@code CI} is {@code true}, where they fail.
 */
enum TestDatabase {

    POSTGRESQL("PostgreSQL at 127.0.0.1:5432 (database test, user postgres)",
            "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=2", "postgres", "SET TIME ZONE '%s'"),
    MARIADB("MariaDB at 127.0.0.1:3306 (database test, user root, empty password)",
            "jdbc:mariadb://127.0.0.1:3306/test?connectTimeout=2000", "root", "SET time_zone = '%s'"),
    H2("H2 in memory", "jdbc:h2:mem:idempotency;DB_CLOSE_DELAY=-1", "sa", "SET TIME ZONE '%s'");

    private static final Map<TestDatabase, Object> POOLS = new EnumMap<>(TestDatabase.class);

    private final String description;
    private final String url;
    private final String user;
    private final String setTimeZone;

    TestDatabase(String description, String url, String user, String setTimeZone) {
        this.description = description;
        this.url = url;
        this.user = user;
        this.setTimeZone = setTimeZone;
    }

    /**
     * @return the shared pool; aborts the calling test when the server does not answer (outside CI)
     */
    HikariDataSource dataSource() {
        Object pool;
        synchronized (POOLS) {
            pool = POOLS.computeIfAbsent(this, database -> database.connect());
        }
        if (pool instanceof HikariDataSource dataSource) {
            return dataSource;
        }
        RuntimeException failure = (RuntimeException) pool;
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(description + " is required when CI=true but did not answer", failure);
        }
        Assumptions.abort(description + " did not answer (" + failure.getMessage() + "); start it to run these tests");
        throw new AssertionError("unreachable");
    }

    /**
     * @param customize adjusts the settings of the new pool
     * @return a new pool of one connection to this database; close it after use
     */
    HikariDataSource newPool(Consumer<HikariConfig> customize) {
        dataSource();
        HikariConfig config = config("test-" + name().toLowerCase(Locale.ROOT) + "-custom");
        config.setMaximumPoolSize(1);
        customize.accept(config);
        return new HikariDataSource(config);
    }

    /**
     * @param offset a UTC offset such as {@code +13:00}
     * @return a new pool of one connection whose session time zone is {@code offset}; close it after use
     */
    HikariDataSource newPoolInTimeZone(String offset) {
        return newPool(config -> config.setConnectionInitSql(String.format(setTimeZone, offset)));
    }

    /** @return a table name no other test run uses */
    String newTableName() {
        return "idem_" + name().toLowerCase(Locale.ROOT) + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    void dropTable(String tableName) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + tableName);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test table " + tableName, e);
        }
    }

    /** @return the pool, or the exception that says why there is none */
    private Object connect() {
        HikariConfig config = config("test-" + name().toLowerCase(Locale.ROOT));
        config.setMaximumPoolSize(16);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            return e;
        }
    }

    private HikariConfig config(String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword("");
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(2_000);
        return config;
    }
}
