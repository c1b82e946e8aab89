package io.github.idempotency.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the store writes to Redis and how it reads it back, checked against a real server. */
class RedisIdempotencyStoreBehaviourTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(24);

    private static RedisClient client;
    private static StatefulRedisConnection<byte[], byte[]> connection;
    private static String keyPrefix;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void connect() {
        client = LocalRedis.clientOrSkip();
        connection = client.connect(ByteArrayCodec.INSTANCE);
        keyPrefix = LocalRedis.uniqueKeyPrefix();
        store = RedisIdempotencyStore.builder(connection)
                .keyPrefix(keyPrefix)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            LocalRedis.deleteKeys(client, keyPrefix);
            connection.close();
            client.shutdown();
        }
    }

    @Test
    void aClaimIsAHashUnderTheHashTaggedDigestExpiringWithTheLease() {
        EntryKey key = newKey();
        Fingerprint fingerprint = newFingerprint();

        Claim claim = acquire(key, fingerprint);

        String redisKey = store.redisKey(key);
        assertThat(redisKey).isEqualTo(keyPrefix + "{" + key.digest() + "}");
        assertThat(fields(redisKey)).containsOnlyKeys("state", "fingerprint", "token");
        assertThat(field(redisKey, "state")).asString(StandardCharsets.UTF_8).isEqualTo("claim");
        assertThat(field(redisKey, "fingerprint")).isEqualTo(fingerprint.bytes());
        assertThat(field(redisKey, "token")).asString(StandardCharsets.UTF_8)
                .isEqualTo(Long.toString(claim.fencingToken()));
        assertThat(redis().pttl(bytes(redisKey))).isBetween(LEASE.toMillis() - 5_000, LEASE.toMillis());
    }

    @Test
    void theKeyNameHoldsNoClientInput() {
        EntryKey key = new EntryKey("user:alice POST /payments", "{tag}*?[x]\r\nDEL everything");

        acquire(key, newFingerprint());

        assertThat(store.redisKey(key)).matches(Pattern.quote(keyPrefix) + "\\{[0-9a-f]{64}\\}");
        assertThat(redis().exists(bytes(store.redisKey(key)))).isEqualTo(1);
    }

    @Test
    void aLiveClaimIsReportedInFlightWithItsFingerprintAndLeaseExpiry() {
        EntryKey key = newKey();
        Fingerprint fingerprint = newFingerprint();
        acquire(key, fingerprint);

        ClaimResult second = store.claim(new ClaimRequest(key, newFingerprint(), LEASE));

        assertThat(second).isInstanceOfSatisfying(ClaimResult.InFlight.class, inFlight -> {
            assertThat(inFlight.fingerprint()).isEqualTo(fingerprint);
            // the fixed clock plus the remaining PTTL, which is at most the lease
            assertThat(inFlight.leaseExpiresAt()).isBetween(NOW.plus(LEASE).minusSeconds(5), NOW.plus(LEASE));
        });
    }

    @Test
    void completingTurnsTheClaimIntoARecordWithTheEncodedResponseAndTheTtl() {
        EntryKey key = newKey();
        Fingerprint fingerprint = newFingerprint();
        StoredResponse response = new StoredResponse(201,
                List.of(new ResponseHeader("Location", "/payments/7"), new ResponseHeader("Link", "</a>"),
                        new ResponseHeader("Link", "</b>")),
                new byte[] {0, (byte) 0xff, '\r', '\n', 0x7f});

        assertThat(acquire(key, fingerprint).complete(response, TTL)).isTrue();

        String redisKey = store.redisKey(key);
        assertThat(fields(redisKey)).containsOnlyKeys("state", "fingerprint", "response", "token");
        assertThat(field(redisKey, "state")).asString(StandardCharsets.UTF_8).isEqualTo("record");
        assertThat(field(redisKey, "response")).isEqualTo(StoredResponseCodec.encode(response));
        assertThat(redis().pttl(bytes(redisKey))).isBetween(TTL.toMillis() - 5_000, TTL.toMillis());
        assertThat(store.claim(new ClaimRequest(key, newFingerprint(), LEASE)))
                .isInstanceOfSatisfying(ClaimResult.Completed.class, completed -> {
                    assertThat(completed.fingerprint()).isEqualTo(fingerprint);
                    assertThat(completed.response()).isEqualTo(response);
                    assertThat(completed.expiresAt()).isBetween(NOW.plus(TTL).minusSeconds(5), NOW.plus(TTL));
                });
    }

    /**
     * Regression: Lettuce sends a command again after a reconnect when the broken connection lost
     * its reply, so Redis may run a claim twice. The second run used to report the caller's own
     * claim as in flight: the client got 409 and the key stayed blocked for a lease.
     */
    @Test
    void aClaimRunAgainWithItsOwnTokenIsStillAcquired() {
        EntryKey key = newKey();
        Fingerprint fingerprint = newFingerprint();
        Claim claim = acquire(key, fingerprint);

        Object again = runAgain(EntryScript.CLAIM, key, fingerprint.bytes(), bytes(Long.toString(claim.fencingToken())),
                bytes(Long.toString(LEASE.toMillis())));

        assertThat(again).isEqualTo(List.of(0L));
        assertThat(store.claim(new ClaimRequest(key, fingerprint, LEASE))).isInstanceOf(ClaimResult.InFlight.class);
        assertThat(claim.complete(new StoredResponse(201, List.of(), new byte[0]), TTL)).isTrue();
    }

    /** Regression: a complete run twice used to report the response it had stored as not stored. */
    @Test
    void aCompleteRunAgainAfterItsFirstRunStoredTheResponseReportsItStored() {
        EntryKey key = newKey();
        Claim claim = acquire(key, newFingerprint());
        StoredResponse response = new StoredResponse(201, List.of(), bytes("first"));
        assertThat(claim.complete(response, TTL)).isTrue();

        Object again = runAgain(EntryScript.COMPLETE, key, bytes(Long.toString(claim.fencingToken())),
                StoredResponseCodec.encode(new StoredResponse(201, List.of(), bytes("first"))),
                bytes(Long.toString(TTL.toMillis())));

        assertThat(again).isEqualTo(1L);
        assertThat(field(store.redisKey(key), "response")).isEqualTo(StoredResponseCodec.encode(response));
        assertThat(claim.release()).isFalse();
        assertThat(claim.renew(LEASE)).isFalse();
    }

    @Test
    void aCompleteWithAnotherTokenLeavesTheRecordAlone() {
        EntryKey key = newKey();
        Claim claim = acquire(key, newFingerprint());
        assertThat(claim.complete(new StoredResponse(201, List.of(), bytes("first")), TTL)).isTrue();

        Object other = runAgain(EntryScript.COMPLETE, key, bytes(Long.toString(claim.fencingToken() + 1)),
                StoredResponseCodec.encode(new StoredResponse(500, List.of(), bytes("other"))),
                bytes(Long.toString(TTL.toMillis())));

        assertThat(other).isEqualTo(0L);
        assertThat(field(store.redisKey(key), "response"))
                .isEqualTo(StoredResponseCodec.encode(new StoredResponse(201, List.of(), bytes("first"))));
    }

    @Test
    void releaseDeletesTheEntrySoTheNextClaimAcquires() {
        EntryKey key = newKey();
        Claim claim = acquire(key, newFingerprint());

        assertThat(claim.release()).isTrue();

        assertThat(redis().exists(bytes(store.redisKey(key)))).isZero();
        assertThat(store.claim(new ClaimRequest(key, newFingerprint(), LEASE)))
                .isInstanceOf(ClaimResult.Acquired.class);
    }

    @Test
    void renewSetsTheKeyExpiryToTheNewLease() {
        EntryKey key = newKey();
        Claim claim = acquire(new ClaimRequest(key, newFingerprint(), Duration.ofSeconds(2)));

        assertThat(claim.renew(Duration.ofMinutes(10))).isTrue();

        assertThat(redis().pttl(bytes(store.redisKey(key))))
                .isBetween(Duration.ofMinutes(10).minusSeconds(5).toMillis(), Duration.ofMinutes(10).toMillis());
    }

    @Test
    void aClaimWhoseEntryExpiredAndWasClaimedAgainCanNeitherCompleteNorReleaseNorRenew() {
        EntryKey key = newKey();
        Claim stale = acquire(key, newFingerprint());
        redis().del(bytes(store.redisKey(key))); // what the lease expiry does
        Claim current = acquire(key, newFingerprint());
        StoredResponse response = new StoredResponse(200, List.of(), new byte[] {1});

        assertThat(stale.fencingToken()).isNotEqualTo(current.fencingToken());
        assertThat(stale.renew(Duration.ofMinutes(10))).isFalse();
        assertThat(stale.complete(response, TTL)).isFalse();
        assertThat(stale.release()).isFalse();

        String redisKey = store.redisKey(key);
        assertThat(field(redisKey, "state")).asString(StandardCharsets.UTF_8).isEqualTo("claim");
        assertThat(field(redisKey, "token")).asString(StandardCharsets.UTF_8)
                .isEqualTo(Long.toString(current.fencingToken()));
        assertThat(redis().pttl(bytes(redisKey))).isLessThanOrEqualTo(LEASE.toMillis());
    }

    @Test
    void aCompletedRecordCannotBeReleasedOrRenewedByItsOwnClaim() {
        EntryKey key = newKey();
        Claim claim = acquire(key, newFingerprint());
        StoredResponse response = new StoredResponse(200, List.of(), new byte[] {1});
        assertThat(claim.complete(response, TTL)).isTrue();

        assertThat(claim.release()).isFalse();
        assertThat(claim.renew(LEASE)).isFalse();
        assertThat(claim.complete(new StoredResponse(500, List.of(), new byte[0]), TTL)).isFalse();

        assertThat(field(store.redisKey(key), "response")).isEqualTo(StoredResponseCodec.encode(response));
    }

    @Test
    void scriptsAreLoadedAgainAfterTheServerForgetsThem() {
        acquire(newKey(), newFingerprint());
        redis().scriptFlush();

        EntryKey key = newKey();
        Claim claim = acquire(key, newFingerprint());

        assertThat(redis().scriptExists(EntryScript.CLAIM.sha1())).containsExactly(true);
        assertThat(claim.renew(LEASE)).isTrue();
        assertThat(claim.release()).isTrue();
        assertThat(redis().scriptExists(EntryScript.RENEW.sha1(), EntryScript.RELEASE.sha1()))
                .containsExactly(true, true);
    }

    @Test
    void aKeyOfAnotherTypeIsAStoreFailureNamingTheOperationAndTheKey() {
        EntryKey key = newKey();
        String redisKey = store.redisKey(key);
        redis().set(bytes(redisKey), bytes("not an entry"));

        assertThatThrownBy(() -> store.claim(new ClaimRequest(key, newFingerprint(), LEASE)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("Redis claim of " + redisKey + " failed")
                .hasMessageContaining("WRONGTYPE");
    }

    @Test
    void aKeyPrefixWithABraceIsRejectedBecauseItWouldMoveTheHashTag() {
        assertThatThrownBy(() -> RedisIdempotencyStore.builder(connection).keyPrefix("app{1}:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyPrefix must not contain '{' or '}'");
    }

    private static Claim acquire(EntryKey key, Fingerprint fingerprint) {
        return acquire(new ClaimRequest(key, fingerprint, LEASE));
    }

    private static Claim acquire(ClaimRequest request) {
        ClaimResult result = store.claim(request);
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }

    private static EntryKey newKey() {
        return new EntryKey("user:alice POST /payments", UUID.randomUUID().toString());
    }

    private static Fingerprint newFingerprint() {
        byte[] digest = new byte[32];
        ThreadLocalRandom.current().nextBytes(digest);
        return Fingerprint.of(digest);
    }

    /** Runs {@code script} on the entry of {@code key} as a client resending a command would. */
    private static Object runAgain(EntryScript script, EntryKey key, byte[]... args) {
        return redis().eval(script.source(), script.output(), new byte[][] {bytes(store.redisKey(key))}, args);
    }

    private static RedisCommands<byte[], byte[]> redis() {
        return connection.sync();
    }

    private static Map<String, byte[]> fields(String redisKey) {
        Map<String, byte[]> fields = new HashMap<>();
        redis().hgetall(bytes(redisKey))
                .forEach((name, value) -> fields.put(new String(name, StandardCharsets.UTF_8), value));
        return fields;
    }

    private static byte[] field(String redisKey, String name) {
        return redis().hget(bytes(redisKey), bytes(name));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
