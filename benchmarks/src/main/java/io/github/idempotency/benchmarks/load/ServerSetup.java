package io.github.idempotency.benchmarks.load;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.servlet.IdempotencyFilter;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisURI;
import jakarta.servlet.DispatcherType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * What the server under load runs in front of {@link PaymentServlet}. The networked stores are
 * found where the environment variables {@code REDIS_URL} (default {@code redis://127.0.0.1:6379})
 * and {@code JDBC_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user
 * {@code JDBC_USER}, default {@code postgres}, password {@code JDBC_PASSWORD}, default none) say.
 */
enum ServerSetup {

    /** The endpoint alone: the baseline every other setup is compared with. */
    BARE {
        @Override
        Optional<AutoCloseable> mount(ServletContextHandler context) {
            mountEndpoint(context);
            return Optional.empty();
        }
    },

    /** The servlet filter on the default in-memory store. */
    FILTER_IN_MEMORY {
        @Override
        Optional<AutoCloseable> mount(ServletContextHandler context) {
            return mountFilter(context, InMemoryIdempotencyStore.create(), () -> { });
        }
    },

    /** The servlet filter on Redis, with its own key prefix; entries expire with their TTL. */
    FILTER_REDIS {
        @Override
        Optional<AutoCloseable> mount(ServletContextHandler context) {
            RedisIdempotencyStore store = RedisIdempotencyStore
                    .builder(RedisURI.create(env("REDIS_URL", "redis://127.0.0.1:6379")))
                    .keyPrefix("idempotency-benchmark:")
                    .build();
            return mountFilter(context, store, store::close);
        }
    },

    /** The servlet filter on PostgreSQL through a default HikariCP pool, in a table dropped afterwards. */
    FILTER_POSTGRESQL {
        @Override
        Optional<AutoCloseable> mount(ServletContextHandler context) throws SQLException {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(env("JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
            config.setUsername(env("JDBC_USER", "postgres"));
            config.setPassword(env("JDBC_PASSWORD", ""));
            HikariDataSource dataSource = new HikariDataSource(config);
            execute(dataSource, "DROP TABLE IF EXISTS " + BENCHMARK_TABLE);
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource)
                    .tableName(BENCHMARK_TABLE)
                    .createTableIfMissing(true)
                    .build();
            return mountFilter(context, store, () -> {
                execute(dataSource, "DROP TABLE IF EXISTS " + BENCHMARK_TABLE);
                dataSource.close();
            });
        }
    };

    /** The path the endpoint is mapped to. */
    static final String ENDPOINT = "/payments";

    /** The default policy with a TTL short enough for networked stores to forget the run soon. */
    private static final EndpointPolicy POLICY = EndpointPolicy.builder().ttl(Duration.ofMinutes(10)).build();

    private static final String BENCHMARK_TABLE = "idempotency_benchmark_entries";

    /**
     * Mounts the endpoint, and whatever this setup puts in front of it, on {@code context}.
     *
     * @return what to close once the server has stopped, if anything
     * @throws Exception if a store cannot be reached or set up
     */
    abstract Optional<AutoCloseable> mount(ServletContextHandler context) throws Exception;

    private static void mountEndpoint(ServletContextHandler context) {
        context.addServlet(new ServletHolder(new PaymentServlet()), ENDPOINT);
    }

    private static Optional<AutoCloseable> mountFilter(
            ServletContextHandler context, IdempotencyStore store, AutoCloseable closeStore) {
        mountEndpoint(context);
        IdempotencyEngine engine = IdempotencyEngine.builder(store).build();
        IdempotencyFilter filter = IdempotencyFilter.builder(engine).policy(POLICY).paths(ENDPOINT).build();
        context.addFilter(new FilterHolder(filter), ENDPOINT, EnumSet.of(DispatcherType.REQUEST));
        return Optional.of(() -> {
            engine.close();
            closeStore.close();
        });
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void execute(HikariDataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
