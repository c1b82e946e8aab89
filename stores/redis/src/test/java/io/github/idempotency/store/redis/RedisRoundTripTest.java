package io.github.idempotency.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counts, on the server's {@code MONITOR} feed, the commands the store's connection sends per
 * operation: each one is a single {@code EVALSHA}, and a script the server forgot costs one
 * {@code SCRIPT LOAD} and one retried {@code EVALSHA} more, on the blocking and the asynchronous path.
 */
class RedisRoundTripTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final StoredResponse RESPONSE = new StoredResponse(201, List.of(), new byte[] {1, 2, 3});

    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private String keyPrefix;
    private RedisIdempotencyStore store;
    private String clientAddress;
    private CommandMonitor monitor;
    private int markers;

    @BeforeEach
    void connect() throws IOException {
        client = LocalRedis.clientOrSkip();
        connection = client.connect(ByteArrayCodec.INSTANCE);
        keyPrefix = LocalRedis.uniqueKeyPrefix();
        store = RedisIdempotencyStore.builder(connection).keyPrefix(keyPrefix).build();
        Matcher addr = Pattern.compile("addr=(\\S+)").matcher(connection.sync().clientInfo());
        assertThat(addr.find()).isTrue();
        clientAddress = addr.group(1);
    }

    @AfterEach
    void disconnect() throws IOException {
        if (client != null) {
            if (monitor != null) {
                monitor.close();
            }
            LocalRedis.deleteKeys(client, keyPrefix);
            connection.close();
            client.shutdown();
        }
    }

    @Test
    void everyOperationIsOneEvalsha() throws IOException {
        loadAllScripts();
        watchCommands();
        EntryKey key = newKey();
        Claim[] claim = new Claim[1];

        assertThat(commandsOf(() -> claim[0] = acquire(key))).as("claim on a new key").containsExactly("evalsha");
        assertThat(commandsOf(() -> store.claim(request(key)))).as("claim on an in-flight key")
                .containsExactly("evalsha");
        assertThat(commandsOf(() -> claim[0].renew(LEASE))).as("renew").containsExactly("evalsha");
        assertThat(commandsOf(() -> claim[0].complete(RESPONSE, TTL))).as("complete").containsExactly("evalsha");
        assertThat(commandsOf(() -> store.claim(request(key)))).as("claim on a completed key")
                .containsExactly("evalsha");
        assertThat(commandsOf(() -> claim[0] = acquire(newKey()))).as("claim on a new key")
                .containsExactly("evalsha");
        assertThat(commandsOf(claim[0]::release)).as("release").containsExactly("evalsha");
        assertThat(commandsOf(() -> store.inspect(key))).as("inspect").containsExactly("evalsha");
        assertThat(commandsOf(() -> store.evict(key))).as("evict").containsExactly("evalsha");
    }

    @Test
    void aScriptTheServerForgotIsLoadedAndRetriedOnce() throws IOException {
        loadAllScripts();
        connection.sync().scriptFlush();
        watchCommands();

        assertThat(commandsOf(() -> acquire(newKey()))).containsExactly("evalsha", "script", "evalsha");
        assertThat(commandsOf(() -> acquire(newKey()))).containsExactly("evalsha");
    }

    @Test
    void anAsyncOperationLoadsAForgottenScriptAndRetriesOnceWithoutWaiting() throws IOException {
        loadAllScripts();
        Claim claim = acquire(newKey());
        connection.sync().scriptFlush();
        watchCommands();

        assertThat(commandsOf(() -> assertThat(claim.renewAsync(LEASE).toCompletableFuture().join()).isTrue()))
                .containsExactly("evalsha", "script", "evalsha");
        assertThat(commandsOf(() -> assertThat(store.claimAsync(request(newKey())).toCompletableFuture().join())
                .isInstanceOf(ClaimResult.Acquired.class)))
                .containsExactly("evalsha", "script", "evalsha");
    }

    private void loadAllScripts() {
        Claim claim = acquire(newKey());
        claim.renew(LEASE);
        claim.complete(RESPONSE, TTL);
        acquire(newKey()).release();
        store.inspect(newKey());
        store.evict(newKey());
    }

    /** Starts reading the server's command feed; commands sent before are not on it. */
    private void watchCommands() throws IOException {
        monitor = new CommandMonitor(LocalRedis.HOST, LocalRedis.PORT);
    }

    /** The commands the store's connection sent while {@code operation} ran. */
    private List<String> commandsOf(Runnable operation) throws IOException {
        operation.run();
        String marker = "end-of-operation-" + ++markers;
        connection.sync().echo(marker.getBytes(StandardCharsets.US_ASCII));
        return monitor.commandsBefore(clientAddress, marker);
    }

    private Claim acquire(EntryKey key) {
        ClaimResult result = store.claim(request(key));
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }

    private static ClaimRequest request(EntryKey key) {
        return new ClaimRequest(key, Fingerprint.of(new byte[] {7}), LEASE);
    }

    private static EntryKey newKey() {
        return new EntryKey("round-trips", UUID.randomUUID().toString());
    }
}
