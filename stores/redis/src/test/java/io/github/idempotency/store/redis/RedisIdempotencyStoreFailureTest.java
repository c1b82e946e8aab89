package io.github.idempotency.store.redis;

import static io.github.idempotency.core.store.Stages.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponse;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Unreachable and unresponsive servers surface as {@link IdempotencyStoreException}, quickly: thrown
 * by the blocking methods, the failure of the stage of the asynchronous ones.
 */
class RedisIdempotencyStoreFailureTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aClosedPortFailsAtBuildNamingTheAddress() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();

        assertThatThrownBy(() -> RedisIdempotencyStore.builder(LocalRedis.uri(closedPort)).build())
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("Cannot connect to Redis at 127.0.0.1:" + closedPort);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aCommandLeftUnansweredFailsAfterTheCommandTimeout() throws Exception {
        onStoreBehindStallingProxy((proxy, store) -> {
            assertThat(store.claim(newRequest())).isInstanceOf(ClaimResult.Acquired.class);
            proxy.stallReplies();
            ClaimRequest unanswered = newRequest();
            long started = System.nanoTime();

            assertThatThrownBy(() -> store.claim(unanswered))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("Redis claim of " + store.redisKey(unanswered.key()) + " failed at 127.0.0.1:"
                            + proxy.port() + ": no reply within 300 ms");

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
        });
    }

    @Test
    void aProbeIsAnsweredAndAProbeLeftUnansweredFailsAfterTheCommandTimeout() throws Exception {
        onStoreBehindStallingProxy((proxy, store) -> {
            store.probe();
            proxy.stallReplies();

            assertThatThrownBy(store::probe)
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("Redis did not answer at 127.0.0.1:" + proxy.port() + ": no reply within 300 ms");
        });
    }

    @Test
    void asyncCommandsLeftUnansweredFailTheirStagesAfterTheCommandTimeoutWithoutWaiting() throws Exception {
        onStoreBehindStallingProxy((proxy, store) -> {
            Claim claim = ((ClaimResult.Acquired) store.claim(newRequest())).claim();
            proxy.stallReplies();
            ClaimRequest unanswered = newRequest();
            long started = System.nanoTime();

            Map<String, CompletionStage<?>> stages = Map.of(
                    "claim of " + store.redisKey(unanswered.key()), store.claimAsync(unanswered),
                    "complete of " + store.redisKey(claim.key()),
                    claim.completeAsync(new StoredResponse(201, List.of(), new byte[0]), Duration.ofMinutes(5)),
                    "renew of " + store.redisKey(claim.key()), claim.renewAsync(LEASE),
                    "release of " + store.redisKey(claim.key()), claim.releaseAsync());

            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time to send").isLessThan(Duration.ofMillis(300));
            stages.forEach((operation, stage) -> assertThat(failureOf(stage))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("Redis " + operation + " failed at 127.0.0.1:" + proxy.port() + ": no reply within 300 ms"));
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
        });
    }

    @Test
    void aClosedStoreFailsInsteadOfAnsweringAsIfTheKeyWereAbsent() {
        LocalRedis.clientOrSkip().shutdown();
        RedisIdempotencyStore store = RedisIdempotencyStore.builder(LocalRedis.uri(LocalRedis.PORT))
                .keyPrefix(LocalRedis.uniqueKeyPrefix())
                .build();
        store.close();

        assertThatThrownBy(() -> store.claim(newRequest()))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("Redis claim of ")
                .hasMessageContaining("failed at 127.0.0.1:" + LocalRedis.PORT);
        assertThat(failureOf(store.claimAsync(newRequest())))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageStartingWith("Redis claim of ")
                .hasMessageContaining("failed at 127.0.0.1:" + LocalRedis.PORT);
    }

    /** Runs {@code test} on a store with a 300 ms command timeout that talks to Redis through a {@link StallingProxy}. */
    private static void onStoreBehindStallingProxy(StalledStoreTest test) throws Exception {
        LocalRedis.clientOrSkip().shutdown();
        String keyPrefix = LocalRedis.uniqueKeyPrefix();
        try (StallingProxy proxy = new StallingProxy(LocalRedis.PORT);
                RedisIdempotencyStore store = RedisIdempotencyStore.builder(LocalRedis.uri(proxy.port()))
                        .keyPrefix(keyPrefix)
                        .commandTimeout(Duration.ofMillis(300))
                        .build()) {
            test.run(proxy, store);
        } finally {
            RedisClient client = LocalRedis.clientOrSkip();
            LocalRedis.deleteKeys(client, keyPrefix);
            client.shutdown();
        }
    }

    @FunctionalInterface
    private interface StalledStoreTest {
        void run(StallingProxy proxy, RedisIdempotencyStore store) throws Exception;
    }

    private static ClaimRequest newRequest() {
        return new ClaimRequest(new EntryKey("scope", UUID.randomUUID().toString()),
                Fingerprint.of(new byte[] {1, 2, 3}), LEASE);
    }
}
