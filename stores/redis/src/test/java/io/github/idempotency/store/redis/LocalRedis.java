package io.github.idempotency.store.redis;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis server the tests run against, 127.0.0.1:6379. Tests skip when it does not answer,
 * except when the environment variable {@code CI} is {@code true}, where they fail.
 */
final class LocalRedis {

    static final String HOST = "127.0.0.1";
    static final int PORT = 6379;

    private LocalRedis() {
    }

    /** @return a client for the local Redis, which answered a {@code PING} */
    static RedisClient clientOrSkip() {
        RedisClient client = RedisClient.create(uri(PORT));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
            return client;
        } catch (RedisException e) {
            client.shutdown();
            String problem = "Redis at " + HOST + ":" + PORT + " does not answer (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                return fail(problem + "; the Redis store tests need it when CI=true");
            }
            return Assumptions.abort(problem + "; skipping the Redis store tests");
        }
    }

    static RedisURI uri(int port) {
        return RedisURI.builder().withHost(HOST).withPort(port).withTimeout(Duration.ofSeconds(5)).build();
    }

    /** @return a key prefix no other test run uses, so runs sharing the server do not collide */
    static String uniqueKeyPrefix() {
        return "idempotency-test:" + UUID.randomUUID() + ":";
    }

    /** Lets Redis time pass: its clock rules expiry ({@code PX}), so this waits in real time. */
    static void letTimePass(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while letting Redis time pass", e);
        }
    }

    /** Deletes every key under {@code prefix} (the tests never flush the whole server). */
    static void deleteKeys(RedisClient client, String prefix) {
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanArgs matching = ScanArgs.Builder.matches(prefix + "*").limit(500);
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, matching);
                if (!page.getKeys().isEmpty()) {
                    redis.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        }
    }

    /**
     * A byte-array connection to the local Redis with a key prefix of its own, for one test class:
     * opened in its {@code @BeforeAll}, closed (and its keys deleted) in its {@code @AfterAll}.
     */
    static final class Session implements AutoCloseable {
        final RedisClient client;
        final StatefulRedisConnection<byte[], byte[]> connection;
        final String keyPrefix = uniqueKeyPrefix();

        private Session(RedisClient client) {
            this.client = client;
            this.connection = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE);
        }

        /** @return a session; skips the calling test class (or fails it when CI=true) without Redis */
        static Session openOrSkip() {
            return new Session(clientOrSkip());
        }

        @Override
        public void close() {
            deleteKeys(client, keyPrefix);
            connection.close();
            client.shutdown();
        }
    }
}
