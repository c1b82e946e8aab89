package io.github.idempotency.store.redis;

import io.github.idempotency.core.operation.OperationsContract;
import io.github.idempotency.core.store.IdempotencyStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The operations contract against the local Redis. Expiry is Redis' own, so the lease and TTL
 * tests use short real leases and wait for them in real time.
 */
class RedisOperationsTest extends OperationsContract {

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

    /** As for the store contract: long enough that scheduling hiccups do not end a lease a test renews. */
    @Override
    protected Duration expiryUnit() {
        return Duration.ofMillis(500);
    }

    @Override
    protected void letTimePass(Duration duration) {
        LocalRedis.letTimePass(duration);
    }
}
