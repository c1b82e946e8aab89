package io.github.idempotency.reliability;

import io.github.idempotency.core.RequestView;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.examples.servlet.DemoSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The servlet demo's entries, read and removed straight from its store: the default Redis key
 * prefix ({@code idempotency:}) and the default table ({@code idempotency_entries}), which the demo
 * always uses.
 */
final class DemoEntries {

    private DemoEntries() {
    }

    /** @return the entry that {@code user}'s {@code POST /payments} with {@code key} names */
    static EntryKey of(String user, String key) {
        return new EntryKey(ScopeResolver.principalMethodRoute().resolve(new PostingPayments(user)), key);
    }

    /** @return the entry's {@code state} field or column, empty when there is no entry */
    static Optional<String> state(StoreKind kind, EntryKey entry) throws SQLException {
        if (kind == StoreKind.REDIS) {
            return redis(redis -> Optional.ofNullable(redis.sync().hget(redisKey(entry), "state")));
        }
        try (Connection connection = postgresql();
                PreparedStatement select = connection.prepareStatement("SELECT state FROM idempotency_entries WHERE id = ?")) {
            select.setString(1, entry.digest());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    /** Removes the entry, so that test runs leave nothing behind in the demo's namespace. */
    static void delete(StoreKind kind, EntryKey entry) throws SQLException {
        if (kind == StoreKind.REDIS) {
            redis(redis -> redis.sync().del(redisKey(entry)));
            return;
        }
        try (Connection connection = postgresql();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM idempotency_entries WHERE id = ?")) {
            delete.setString(1, entry.digest());
            delete.executeUpdate();
        }
    }

    private static String redisKey(EntryKey entry) {
        return "idempotency:{" + entry.digest() + "}";
    }

    private static <T> T redis(Function<StatefulRedisConnection<String, String>, T> work) {
        RedisClient client = RedisClient.create(DemoSettings.DEFAULT_REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return work.apply(connection);
        } finally {
            client.shutdown();
        }
    }

    private static Connection postgresql() throws SQLException {
        return DriverManager.getConnection(StoreKind.jdbcUrl(StoreKind.POSTGRESQL.port, Duration.ofSeconds(5)), "postgres", "");
    }

    /** A user's {@code POST /payments} as the demo's filter sees it, enough to resolve its scope. */
    private record PostingPayments(String user) implements RequestView {
        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String route() {
            return "/payments";
        }

        @Override
        public String path() {
            return "/payments";
        }

        @Override
        public Optional<String> query() {
            return Optional.empty();
        }

        @Override
        public Optional<String> contentType() {
            return Optional.of("application/json");
        }

        @Override
        public List<String> headerValues(String name) {
            return List.of();
        }

        @Override
        public Optional<String> principal() {
            return Optional.of(user);
        }

        @Override
        public void readBody(long maxBytes, BodySink sink) {
            throw new UnsupportedOperationException("only the scope is resolved from this view");
        }
    }
}
