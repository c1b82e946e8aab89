package io.github.idempotency.examples.servlet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisURI;

/**
 * The idempotency store the demo runs on, opened from its {@link DemoSettings}, together with the
 * client or pool it opened for it. For a database it creates the entries table when missing, as a
 * quick start would; a real application manages the table with its migrations.
 */
final class DemoStore implements AutoCloseable {

    private final IdempotencyStore store;
    private final String description;
    private final AutoCloseable connections;

    private DemoStore(IdempotencyStore store, String description, AutoCloseable connections) {
        this.store = store;
        this.description = description;
        this.connections = connections;
    }

    /**
     * @param settings the demo's settings
     * @return the opened store
     * @throws RuntimeException if the store's server cannot be reached or the database is not one
     *     the JDBC store supports; the message says which and where
     */
    static DemoStore open(DemoSettings settings) {
        return switch (settings.store()) {
            case MEMORY -> new DemoStore(InMemoryIdempotencyStore.create(), "in memory", () -> { });
            case REDIS -> {
                RedisURI uri = RedisURI.create(settings.redisUrl());
                RedisIdempotencyStore redis = RedisIdempotencyStore.builder(uri).build();
                yield new DemoStore(redis, "Redis at " + uri.getHost() + ":" + uri.getPort(), redis);
            }
            case POSTGRESQL, JDBC -> openJdbc(settings.jdbcUrl());
        };
    }

    private static DemoStore openJdbc(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("idempotency");
        config.setJdbcUrl(jdbcUrl);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            JdbcIdempotencyStore jdbc = JdbcIdempotencyStore.builder(pool).createTableIfMissing(true).build();
            String withoutCredentials = jdbcUrl.replaceFirst("\\?.*", "");
            return new DemoStore(jdbc, jdbc.dialect() + " table " + jdbc.tableName() + " at " + withoutCredentials, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** @return the store */
    IdempotencyStore store() {
        return store;
    }

    /** @return which store this is and where, without credentials */
    String description() {
        return description;
    }

    @Override
    public void close() throws Exception {
        connections.close();
    }
}
