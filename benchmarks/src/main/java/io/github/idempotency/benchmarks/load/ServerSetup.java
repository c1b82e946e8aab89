package io.github.idempotency.benchmarks.load;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.benchmarks.load.spring.SpringPayments;
import io.github.idempotency.benchmarks.load.webflux.WebFluxPayments;
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
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The server under load: the payments endpoint on embedded Jetty, bare or behind the servlet
 * filter on one of the stores, or the same endpoint in Spring Boot, on Spring MVC with or without
 * the interceptor, or on Spring WebFlux with or without the web filter. The networked stores are
 * found where the environment variables say: {@code REDIS_URL} (default
 * {@code redis://127.0.0.1:6379}), {@code JDBC_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}), {@code JDBC_USER} (default {@code postgres}) and
 * {@code JDBC_PASSWORD} (default none).
 */
enum ServerSetup {

    /** The endpoint alone on Jetty: the baseline the filter setups are compared with. */
    BARE {
        @Override
        RunningServer start() throws Exception {
            return JettyServer.start(context -> {
                mountEndpoint(context);
                return () -> { };
            });
        }
    },

    /** The servlet filter on the default in-memory store. */
    FILTER_IN_MEMORY {
        @Override
        RunningServer start() throws Exception {
            return JettyServer.start(context -> mountFilter(context, InMemoryIdempotencyStore.create(), () -> { }));
        }
    },

    /** The servlet filter on Redis, with its own key prefix; entries expire with their TTL. */
    FILTER_REDIS {
        @Override
        RunningServer start() throws Exception {
            return JettyServer.start(context -> {
                RedisIdempotencyStore store = RedisIdempotencyStore
                        .builder(RedisURI.create(redisUrl()))
                        .keyPrefix(REDIS_KEY_PREFIX)
                        .build();
                return mountFilter(context, store, store::close);
            });
        }
    },

    /** The servlet filter on PostgreSQL through a default HikariCP pool, in a table dropped afterwards. */
    FILTER_POSTGRESQL {
        @Override
        RunningServer start() throws Exception {
            return JettyServer.start(context -> {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(env("JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
                config.setUsername(env("JDBC_USER", "postgres"));
                config.setPassword(env("JDBC_PASSWORD", ""));
                // As many connections as the 16 clients of store-limits.sh's pgbench runs.
                config.setMaximumPoolSize(16);
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
            });
        }
    },

    /** The endpoint as a Spring MVC controller in Spring Boot (embedded Tomcat), idempotency disabled. */
    SPRING_BARE {
        @Override
        RunningServer start() {
            return SpringPayments.start(false);
        }
    },

    /** The same Spring Boot application with the auto-configured interceptor on the in-memory store. */
    SPRING_INTERCEPTOR {
        @Override
        RunningServer start() {
            return SpringPayments.start(true);
        }
    },

    /** The endpoint as a Spring WebFlux controller in Spring Boot (Reactor Netty), idempotency disabled. */
    WEBFLUX_BARE {
        @Override
        RunningServer start() {
            return WebFluxPayments.start(false, Map.of());
        }
    },

    /** The same WebFlux application with the auto-configured web filter on the in-memory store. */
    WEBFLUX_IN_MEMORY {
        @Override
        RunningServer start() {
            return WebFluxPayments.start(true, Map.of());
        }
    },

    /** The same WebFlux application on Redis, with the servlet filter's key prefix and TTL. */
    WEBFLUX_REDIS {
        @Override
        RunningServer start() {
            return WebFluxPayments.start(true, Map.of(
                    "idempotency.store.type", "redis",
                    "idempotency.store.redis.url", redisUrl(),
                    "idempotency.store.redis.key-prefix", REDIS_KEY_PREFIX,
                    "idempotency.ttl", POLICY.ttl().toSeconds() + "s"));
        }
    };

    /** The path the endpoint is mapped to. */
    static final String ENDPOINT = "/payments";

    /** The default policy with a TTL short enough for networked stores to forget the run soon. */
    private static final EndpointPolicy POLICY = EndpointPolicy.builder().ttl(Duration.ofMinutes(10)).build();

    private static final String BENCHMARK_TABLE = "idempotency_benchmark_entries";

    private static final String REDIS_KEY_PREFIX = "idempotency-benchmark:";

    /**
     * Starts the server on a free loopback port.
     *
     * @throws Exception if it cannot start, or its store cannot be reached or set up
     */
    abstract RunningServer start() throws Exception;

    private static void mountEndpoint(ServletContextHandler context) {
        context.addServlet(new ServletHolder(new PaymentServlet()), ENDPOINT);
    }

    private static AutoCloseable mountFilter(
            ServletContextHandler context, IdempotencyStore store, AutoCloseable closeStore) {
        mountEndpoint(context);
        IdempotencyEngine engine = IdempotencyEngine.builder(store).build();
        IdempotencyFilter filter = IdempotencyFilter.builder(engine).policy(POLICY).paths(ENDPOINT).build();
        context.addFilter(new FilterHolder(filter), ENDPOINT, EnumSet.of(DispatcherType.REQUEST));
        return () -> {
            engine.close();
            closeStore.close();
        };
    }

    private static String redisUrl() {
        return env("REDIS_URL", "redis://127.0.0.1:6379");
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
