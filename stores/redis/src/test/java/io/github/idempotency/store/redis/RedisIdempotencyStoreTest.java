package io.github.idempotency.store.redis;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against the local Redis. Expiry is Redis' own ({@code PX}), so the expiry
 * tests use short real leases and wait for them in real time.
 */
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {

    private static RedisClient client;
    private static StatefulRedisConnection<byte[], byte[]> connection;
    private static String keyPrefix;

    @BeforeAll
    static void connect() {
        client = LocalRedis.clientOrSkip();
        connection = client.connect(ByteArrayCodec.INSTANCE);
        keyPrefix = LocalRedis.uniqueKeyPrefix();
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            LocalRedis.deleteKeys(client, keyPrefix);
            connection.close();
            client.shutdown();
        }
    }

    @Override
    protected IdempotencyStore createStore() {
        return RedisIdempotencyStore.builder(connection).keyPrefix(keyPrefix).build();
    }

    /** Long enough that scheduling hiccups on a busy machine do not end a lease a test renews. */
    @Override
    protected Duration expiryUnit() {
        return Duration.ofMillis(500);
    }

    /** Redis' clock rules the expiry, so this waits in real time (at most a few expiry units). */
    @Override
    protected void letTimePass(Duration duration) {
        LocalRedis.letTimePass(duration);
    }
}
