package io.github.idempotency.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The networked stores the tests run against: the local Redis (127.0.0.1:6379) and PostgreSQL
 * (127.0.0.1:5432, database {@code test}, user {@code postgres}). When a server does not answer,
 * the tests that need it are skipped, unless the environment variable {@code CI} is {@code true},
 * where they fail.
 */
enum StoreKind {

    REDIS("Redis at 127.0.0.1:6379", 6379) {
        @Override
        Namespace newNamespace() {
            return new RedisNamespace("idempotency-reliability:" + randomHex() + ":");
        }

        @Override
        void ping() throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
                socket.setSoTimeout(2_000);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] reply = new byte[7];
                InputStream in = socket.getInputStream();
                int read = in.readNBytes(reply, 0, reply.length);
                if (!new String(reply, 0, read, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    throw new IOException("unexpected reply to PING");
                }
            }
        }
    },

    POSTGRESQL("PostgreSQL at 127.0.0.1:5432 (database test, user postgres)", 5432) {
        @Override
        Namespace newNamespace() {
            return new PostgresqlNamespace("idem_reliability_" + randomHex());
        }

        @Override
        void ping() throws SQLException {
            try (Connection connection = DriverManager.getConnection(jdbcUrl(port, Duration.ofSeconds(2)), "postgres", "")) {
                connection.isValid(2);
            }
        }
    };

    final String description;
    final int port;

    StoreKind(String description, int port) {
        this.description = description;
        this.port = port;
    }

    /**
     * @return a fresh namespace (Redis key prefix or PostgreSQL table) for one test; aborts the test
     *     when the server does not answer (outside CI)
     */
    Namespace namespaceOrSkip() {
        requireRunning();
        return newNamespace();
    }

    /** Aborts the calling test when the server does not answer, or fails it when {@code CI=true}. */
    void requireRunning() {
        try {
            ping();
        } catch (Exception e) {
            String problem = description + " does not answer (" + e + ")";
            if ("true".equals(System.getenv("CI"))) {
                fail(problem + "; the reliability tests need it when CI=true");
            }
            Assumptions.abort(problem + "; skipping");
        }
    }

    abstract Namespace newNamespace();

    abstract void ping() throws Exception;

    static String jdbcUrl(int port, Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        return "jdbc:postgresql://127.0.0.1:" + port + "/test?connectTimeout=" + seconds + "&socketTimeout=" + seconds
                + "&loginTimeout=" + seconds;
    }

    private static String randomHex() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /**
     * Where one test's entries live, shared by every application instance of that test. Closing it
     * removes the entries.
     */
    interface Namespace extends AutoCloseable {

        /**
         * Opens a store on this namespace, reached through {@code port} (the server's own port or a
         * {@link FaultProxy}'s), whose every call gives up after about {@code timeout}.
         */
        OpenStore open(int port, Duration timeout);

        /**
         * @return the {@code state} of every entry in this namespace whose lease or time to live
         *     has not run out, in no order
         */
        List<String> states();

        @Override
        void close();
    }

    /** A store and whatever it needs closed (a Lettuce client, a connection pool). */
    record OpenStore(IdempotencyStore store, AutoCloseable resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            resources.close();
        }
    }

    private static final class RedisNamespace implements Namespace {
        private final String keyPrefix;

        RedisNamespace(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        @Override
        public OpenStore open(int port, Duration timeout) {
            RedisIdempotencyStore store = RedisIdempotencyStore.builder(uri(port, timeout))
                    .keyPrefix(keyPrefix)
                    .commandTimeout(timeout)
                    .build();
            return new OpenStore(store, store);
        }

        @Override
        public List<String> states() {
            List<String> keys = redisKeys();
            RedisClient client = RedisClient.create(uri(REDIS.port, Duration.ofSeconds(5)));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                List<String> states = new ArrayList<>();
                for (String key : keys) {
                    String state = connection.sync().hget(key, "state");
                    if (state != null) {
                        states.add(state);
                    }
                }
                return states;
            } finally {
                client.shutdown();
            }
        }

        /** @return every Redis key in this namespace */
        List<String> redisKeys() {
            RedisClient client = RedisClient.create(uri(REDIS.port, Duration.ofSeconds(5)));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> redis = connection.sync();
                List<String> keys = new ArrayList<>();
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(keyPrefix + "*").limit(1000));
                    keys.addAll(page.getKeys());
                    cursor = page;
                } while (!cursor.isFinished());
                return keys;
            } finally {
                client.shutdown();
            }
        }

        @Override
        public void close() {
            List<String> keys = redisKeys();
            if (keys.isEmpty()) {
                return;
            }
            RedisClient client = RedisClient.create(uri(REDIS.port, Duration.ofSeconds(5)));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                for (int from = 0; from < keys.size(); from += 500) {
                    connection.sync().del(keys.subList(from, Math.min(keys.size(), from + 500)).toArray(String[]::new));
                }
            } finally {
                client.shutdown();
            }
        }

        private static RedisURI uri(int port, Duration timeout) {
            return RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(timeout).build();
        }
    }

    private static final class PostgresqlNamespace implements Namespace {
        private final String table;

        PostgresqlNamespace(String table) {
            this.table = table;
            try (HikariDataSource direct = pool(POSTGRESQL.port, Duration.ofSeconds(5), 1)) {
                JdbcIdempotencyStore.builder(direct).tableName(table).createTableIfMissing(true).build();
            }
        }

        @Override
        public OpenStore open(int port, Duration timeout) {
            HikariDataSource pool = pool(port, timeout, 8);
            awaitFirstConnection(pool);
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(pool)
                    .dialect(JdbcDialect.POSTGRESQL)
                    .tableName(table)
                    .build();
            return new OpenStore(store, pool);
        }

        @Override
        public List<String> states() {
            try (Connection connection = DriverManager.getConnection(
                    jdbcUrl(POSTGRESQL.port, Duration.ofSeconds(5)), "postgres", "");
                    Statement statement = connection.createStatement();
                    // The store keeps expired rows until a claim takes them over; its clock is this machine's.
                    ResultSet rows = statement.executeQuery("SELECT state FROM " + table
                            + " WHERE expires_at > " + System.currentTimeMillis())) {
                List<String> states = new ArrayList<>();
                while (rows.next()) {
                    states.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
                return states;
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the entries of " + table, e);
            }
        }

        @Override
        public void close() {
            try (Connection connection = DriverManager.getConnection(
                    jdbcUrl(POSTGRESQL.port, Duration.ofSeconds(5)), "postgres", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS " + table);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop test table " + table, e);
            }
        }

        /** Waits (boundedly) until the pool has opened a connection, so that a test starts with a working store. */
        private static void awaitFirstConnection(HikariDataSource pool) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try {
                    pool.getConnection().close();
                    return;
                } catch (SQLException e) {
                    if (System.nanoTime() > deadline) {
                        pool.close();
                        throw new IllegalStateException("no connection to " + POSTGRESQL.description + " within 20 s", e);
                    }
                }
            }
        }

        /**
         * A pool whose every wait is bounded by {@code timeout}: HikariCP's connection timeout, and
         * the driver's connect, login and socket (read) timeouts.
         */
        private static HikariDataSource pool(int port, Duration timeout, int size) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("reliability-" + port + "-" + size + "-" + randomHex().substring(0, 6));
            config.setJdbcUrl(jdbcUrl(port, timeout));
            config.setUsername("postgres");
            config.setPassword("");
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(Math.min(size, 2));
            config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
            config.setValidationTimeout(250);
            config.setInitializationFailTimeout(-1);
            return new HikariDataSource(config);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
