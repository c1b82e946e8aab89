package io.github.idempotency.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.protect.StoreProtectionContract;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The protection contract on the local Redis; the entry's hash is read with {@code HGETALL} past the library. */
class RedisStoreProtectionTest extends StoreProtectionContract {

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

    private static byte[] redisKey(EntryKey key) {
        return (keyPrefix + "{" + key.digest() + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] rawEntry(EntryKey key) {
        Map<byte[], byte[]> hash = connection.sync().hgetall(redisKey(key));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        hash.forEach((field, value) -> {
            out.writeBytes(field);
            out.writeBytes(value);
        });
        return out.toByteArray();
    }

    @Override
    protected void flipStoredResponseByte(EntryKey key) {
        byte[] field = "response".getBytes(StandardCharsets.US_ASCII);
        byte[] response = connection.sync().hget(redisKey(key), field);
        assertThat(response).as("the stored response of the entry").isNotNull();
        response[response.length / 2] ^= 0x01;
        connection.sync().hset(redisKey(key), field, response);
    }
}
