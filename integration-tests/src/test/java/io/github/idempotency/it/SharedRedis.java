package io.github.idempotency.it;

import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.UUID;

/**
 * The Redis server on this machine (127.0.0.1:6379) shared by several application instances, each
 * with its own Lettuce client and connection. Every instance of one {@code SharedRedis} uses the
 * same key prefix, unique to it; {@link #close()} deletes its keys.
 */
final class SharedRedis implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final int PORT = 6379;

    private final String keyPrefix = "idempotency-it:" + UUID.randomUUID() + ":";

    private SharedRedis() {
    }

    /** @return the shared server, which answered a {@code PING}; skips or fails the test otherwise */
    static SharedRedis openOrSkip() {
        RedisClient client = RedisClient.create(uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
            return new SharedRedis();
        } catch (RedisException e) {
            return RequiredServer.missing("Redis at " + HOST + ":" + PORT, e);
        } finally {
            client.shutdown();
        }
    }

    /** @return a new instance's store on its own client and connection */
    Instance connectInstance() {
        RedisClient client = RedisClient.create(uri());
        StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        return new Instance(client, connection, RedisIdempotencyStore.builder(connection).keyPrefix(keyPrefix).build());
    }

    /** Deletes the keys the instances wrote. */
    @Override
    public void close() {
        RedisClient client = RedisClient.create(uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanArgs matching = ScanArgs.Builder.matches(keyPrefix + "*").limit(500);
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, matching);
                if (!page.getKeys().isEmpty()) {
                    redis.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }

    private static RedisURI uri() {
        return RedisURI.builder().withHost(HOST).withPort(PORT).withTimeout(Duration.ofSeconds(5)).build();
    }

    /** One instance's Redis client, connection and store. */
    static final class Instance implements InstanceStore {

        private final RedisClient client;
        private final StatefulRedisConnection<byte[], byte[]> connection;
        private final RedisIdempotencyStore store;

        private Instance(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection, RedisIdempotencyStore store) {
            this.client = client;
            this.connection = connection;
            this.store = store;
        }

        @Override
        public RedisIdempotencyStore store() {
            return store;
        }

        /** @return the connection the store sends its commands on */
        StatefulRedisConnection<byte[], byte[]> connection() {
            return connection;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
