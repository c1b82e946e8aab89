package io.github.idempotency.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreContract;
import io.github.idempotency.core.store.StoredResponse;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract against a three-node Redis Cluster started for this class, plus the cluster
 * specifics: entries spread over the slots of every node, and scripts a node forgot are loaded
 * again.
 */
class RedisClusterIdempotencyStoreTest extends IdempotencyStoreContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir
    static Path clusterDir;

    private static LocalRedisCluster cluster;
    private static RedisClusterClient client;
    private static StatefulRedisClusterConnection<byte[], byte[]> connection;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void startCluster() throws IOException, InterruptedException {
        cluster = LocalRedisCluster.startOrSkip(clusterDir);
        client = RedisClusterClient.create(cluster.uris());
        connection = client.connect(ByteArrayCodec.INSTANCE);
        store = RedisIdempotencyStore.builder(connection).build();
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected IdempotencyStore createStore() {
        return store;
    }

    @Override
    protected Duration expiryUnit() {
        return Duration.ofMillis(500);
    }

    @Override
    protected void letTimePass(Duration duration) {
        LocalRedis.letTimePass(duration);
    }

    @Test
    void entriesOnEveryNodeRunEveryOperationEvenAfterTheNodesForgetTheScripts() {
        connection.sync().scriptFlush();
        Set<String> nodesUsed = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            EntryKey key = new EntryKey("cluster", UUID.randomUUID().toString());
            byte[] redisKey = store.redisKey(key).getBytes(StandardCharsets.UTF_8);
            nodesUsed.add(connection.getPartitions().getPartitionBySlot(SlotHash.getSlot(redisKey)).getNodeId());

            ClaimResult result = store.claim(new ClaimRequest(key, Fingerprint.of(new byte[] {1}), LEASE));
            assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
            Claim claim = ((ClaimResult.Acquired) result).claim();
            assertThat(claim.renew(LEASE)).isTrue();
            if (i % 2 == 0) {
                assertThat(claim.release()).isTrue();
            } else {
                assertThat(claim.complete(new StoredResponse(201, List.of(), new byte[] {(byte) i}), LEASE)).isTrue();
            }
        }
        assertThat(nodesUsed).as("nodes that held an entry").hasSize(3);
    }

    @Test
    void theHashTagPutsTheSlotOnTheDigestNotThePrefix() {
        EntryKey key = new EntryKey("cluster", "k");
        RedisIdempotencyStore prefixed = RedisIdempotencyStore.builder(connection).keyPrefix("other-app:").build();

        assertThat(SlotHash.getSlot(prefixed.redisKey(key))).isEqualTo(SlotHash.getSlot(store.redisKey(key)))
                .isEqualTo(SlotHash.getSlot(key.digest()));
    }
}
