package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.testapp.ProtocolChecks;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HTTP protocol checks with {@code idempotency.store.type=redis}: the application's entries live
 * in the local Redis, under a key prefix of this run's own. Run again on Spring Boot 4.0 and 4.1
 * by boot4-test and boot41-test, on the Lettuce each Boot line manages.
 */
public class RedisStoreProtocolTest extends ProtocolChecks {

    private static final String KEY_PREFIX = "idempotency-spring-http:" + UUID.randomUUID() + ":";

    private static String redisUrl;

    @Autowired
    IdempotencyStore store;

    @BeforeAll
    static void requireRedis() {
        redisUrl = LocalServer.REDIS.requireRunning();
    }

    @DynamicPropertySource
    static void redisStore(DynamicPropertyRegistry properties) {
        properties.add("idempotency.store.type", () -> "redis");
        properties.add("idempotency.store.redis.url", () -> redisUrl);
        properties.add("idempotency.store.redis.key-prefix", () -> KEY_PREFIX);
    }

    @AfterAll
    static void deleteEntries() {
        if (redisUrl != null) {
            deleteKeysUnderPrefix();
        }
    }

    @Test
    void theReplayComesFromRedis() throws Exception {
        String item = unique("globe");
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key));
        HttpResponse<byte[]> retry = send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key));
        long deleted = deleteKeysUnderPrefix();
        HttpResponse<byte[]> afterDeletion = send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key));

        assertThat(store).isInstanceOf(RedisIdempotencyStore.class);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(deleted).as("entries in Redis under the configured prefix").isPositive();
        assertThat(afterDeletion.statusCode()).isEqualTo(201);
        assertThat(afterDeletion.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(executions.of(item)).isEqualTo(2);
    }

    private static long deleteKeysUnderPrefix() {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            long deleted = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(KEY_PREFIX + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    deleted += redis.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
            return deleted;
        } finally {
            client.shutdown();
        }
    }
}
