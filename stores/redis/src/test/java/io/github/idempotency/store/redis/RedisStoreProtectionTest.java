package io.github.idempotency.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.protect.StoreProtectionContract;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The protection contract on the local Redis; the entry's hash is read with {@code HGETALL} past the library. */
class RedisStoreProtectionTest extends StoreProtectionContract {

    private static LocalRedis.Session redis;

    @BeforeAll
    static void connect() {
        redis = LocalRedis.Session.openOrSkip();
    }

    @AfterAll
    static void disconnect() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected IdempotencyStore createStore() {
        return RedisIdempotencyStore.builder(redis.connection).keyPrefix(redis.keyPrefix).build();
    }

    private static byte[] redisKey(EntryKey key) {
        return (redis.keyPrefix + "{" + key.digest() + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] rawEntry(EntryKey key) {
        Map<byte[], byte[]> hash = redis.connection.sync().hgetall(redisKey(key));
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
        byte[] response = redis.connection.sync().hget(redisKey(key), field);
        assertThat(response).as("the stored response of the entry").isNotNull();
        response[response.length / 2] ^= 0x01;
        redis.connection.sync().hset(redisKey(key), field, response);
    }
}
