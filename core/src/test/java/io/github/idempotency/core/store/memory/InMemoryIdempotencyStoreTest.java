package io.github.idempotency.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreContract;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(1);
    private static final Fingerprint FINGERPRINT = Fingerprint.of(new byte[] {1, 2, 3});

    private final MutableClock clock = new MutableClock();

    @Override
    protected IdempotencyStore createStore() {
        return InMemoryIdempotencyStore.builder().clock(clock).build();
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void entryKeysThatDifferOnlyInTheirSplitOrTheirCharactersKeepRecordsOfTheirOwn() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        List<EntryKey> keys = List.of(
                new EntryKey("ab", "c"), new EntryKey("a", "bc"), new EntryKey("", "abc"), new EntryKey("abc", ""),
                new EntryKey("\u00e9", "x"), new EntryKey("\u0100", "x"), new EntryKey("\u00e9\u0100", ""),
                new EntryKey("\u0000\u00e9", ""), new EntryKey("\u0000", "\u00e9"), new EntryKey("\u4e00", ""));
        for (int i = 0; i < keys.size(); i++) {
            assertThat(acquire(store, keys.get(i)).complete(new StoredResponse(200 + i, List.of(), new byte[0]), TTL)).isTrue();
        }

        for (int i = 0; i < keys.size(); i++) {
            int status = 200 + i;
            assertThat(store.claim(new ClaimRequest(keys.get(i), FINGERPRINT, LEASE)))
                    .as("record of %s", keys.get(i))
                    .isInstanceOfSatisfying(ClaimResult.Completed.class,
                            completed -> assertThat(completed.response().status()).isEqualTo(status));
        }
    }

    @Test
    void recordsBeyondTheWeightBoundAreEvictedAndTheTotalStaysUnderIt() {
        long bound = 1024 * 1024;
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().maximumWeightBytes(bound).clock(clock).build();
        List<EntryKey> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            EntryKey key = new EntryKey("weight", "key-" + i);
            keys.add(key);
            assertThat(acquire(store, key).complete(new StoredResponse(200, List.of(), new byte[100 * 1024]), TTL)).isTrue();
            assertThat(store.weightBytes()).isLessThanOrEqualTo(bound);
        }

        long stillStored = keys.stream()
                .filter(key -> store.claim(new ClaimRequest(key, FINGERPRINT, LEASE)) instanceof ClaimResult.Completed)
                .count();
        assertThat(stillStored).isBetween(1L, bound / (100 * 1024));
    }

    @Test
    void inFlightClaimsAreNeverEvictedForSize() {
        long bound = 1024 * 1024;
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().maximumWeightBytes(bound).clock(clock).build();
        EntryKey held = new EntryKey("weight", "held");
        acquire(store, held);

        for (int i = 0; i < 40; i++) {
            EntryKey key = new EntryKey("weight", "filler-" + i);
            acquire(store, key).complete(new StoredResponse(200, List.of(), new byte[100 * 1024]), TTL);
            // Read each filler often so that the cache ranks it above the claim.
            for (int reads = 0; reads < 5; reads++) {
                store.claim(new ClaimRequest(key, FINGERPRINT, LEASE));
            }
        }

        assertThat(store.claim(new ClaimRequest(held, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.InFlight.class);
    }

    /**
     * A complete moves the entry from the running claims to the records; a claim that read the
     * records just before the move and the claims just after it must not take the key. Many
     * rounds of one claimer spinning against one completion, so that the window is hit.
     */
    @Test
    void aClaimRacingTheMoveOfItsKeyToTheRecordsNeverTakesTheKey() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();
        StoredResponse response = new StoredResponse(201, List.of(), new byte[] {42});
        ExecutorService claimer = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 20_000; round++) {
                EntryKey key = new EntryKey("race", "key-" + round);
                Claim holder = acquire(store, key);
                CountDownLatch spinning = new CountDownLatch(1);
                Future<List<ClaimResult>> seen = claimer.submit(() -> {
                    List<ClaimResult> results = new ArrayList<>();
                    ClaimResult result;
                    do {
                        result = store.claim(new ClaimRequest(key, FINGERPRINT, LEASE));
                        results.add(result);
                        spinning.countDown();
                    } while (result instanceof ClaimResult.InFlight);
                    return results;
                });
                spinning.await();
                assertThat(holder.complete(response, TTL)).isTrue();

                List<ClaimResult> results = seen.get(10, TimeUnit.SECONDS);
                assertThat(results.get(results.size() - 1)).as("round %d", round).isInstanceOf(ClaimResult.Completed.class);
            }
        } finally {
            claimer.shutdownNow();
        }
    }

    @Test
    void fencingTokensAreUniqueAcrossKeysAndRecreatedEntries() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();
        EntryKey key = new EntryKey("scope", "key");
        Claim first = acquire(store, key);
        Claim other = acquire(store, new EntryKey("scope", "other"));
        assertThat(first.release()).isTrue();

        Claim second = acquire(store, key);

        assertThat(List.of(first.fencingToken(), other.fencingToken(), second.fencingToken())).doesNotHaveDuplicates();
    }

    @Test
    void leaseEndsExactlyAtItsExpiryMillisecondOnTheClock() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        EntryKey key = new EntryKey("scope", "exact");
        Claim claim = acquire(store, key);

        clock.advance(LEASE.minusMillis(1));
        assertThat(store.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.InFlight.class);
        clock.advance(Duration.ofMillis(1));

        assertThat(claim.renew(LEASE)).isFalse();
        assertThat(store.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.Acquired.class);
    }

    @Test
    void expiredClaimCannotCompleteEvenBeforeAnotherRequestTakesItOver() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        EntryKey key = new EntryKey("scope", "late");
        Claim claim = acquire(store, key);
        clock.advance(LEASE);

        assertThat(claim.complete(new StoredResponse(201, List.of(), new byte[0]), TTL)).isFalse();
        assertThat(store.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.Acquired.class);
    }

    @Test
    void invalidSettingsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> InMemoryIdempotencyStore.builder().maximumWeightBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximumWeightBytes must be positive, was 0");
        Claim claim = acquire(InMemoryIdempotencyStore.create(), new EntryKey("scope", "key"));
        assertThatThrownBy(() -> claim.complete(new StoredResponse(200, List.of(), new byte[0]), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must be positive, was PT0S");
        assertThatThrownBy(() -> claim.renew(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease must be positive, was PT-1S");
    }

    @Test
    void weightOfARecordIsItsEncodedLengthWithExpiryAndFingerprintAndAFixedOverhead() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        StoredResponse response = new StoredResponse(201,
                List.of(new ResponseHeader("Location", "/p/1"), new ResponseHeader("X", "yz")), new byte[1000]);

        assertThat(acquire(store, new EntryKey("scope", "weighed")).complete(response, TTL)).isTrue();

        assertThat(store.weightBytes())
                .isEqualTo(InMemoryIdempotencyStore.RECORD_OVERHEAD_BYTES + Long.BYTES + 1 + 3
                        + (2 + 1 + 2 + 4) + (4 + 8 + 4 + 4) + (4 + 1 + 4 + 2) + 4 + 1000);
    }

    @Test
    void anExpiredRecordIsFreedByTheCacheOnTheStoreClock() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        acquire(store, new EntryKey("scope", "freed")).complete(new StoredResponse(200, List.of(), new byte[500]), TTL);

        clock.advance(TTL.minusMillis(1));
        assertThat(store.weightBytes())
                .isEqualTo(InMemoryIdempotencyStore.RECORD_OVERHEAD_BYTES + Long.BYTES + 1 + 3 + 2 + 1 + 2 + 4 + 4 + 500);
        // The cache's timer wheel frees an expired entry within about a second of its expiry.
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.weightBytes()).isZero();
    }

    @Test
    void aKeyCompletedAgainAfterItsRecordExpiredReplaysTheNewRecordForItsWholeTtl() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        EntryKey key = new EntryKey("scope", "again");
        StoredResponse second = new StoredResponse(201, List.of(), new byte[] {2});
        acquire(store, key).complete(new StoredResponse(201, List.of(), new byte[] {1}), TTL);
        clock.advance(TTL);

        assertThat(acquire(store, key).complete(second, TTL)).isTrue();
        clock.advance(TTL.minusMillis(1));

        assertThat(store.claim(new ClaimRequest(key, FINGERPRINT, LEASE)))
                .isInstanceOfSatisfying(ClaimResult.Completed.class, c -> assertThat(c.response()).isEqualTo(second));
    }

    /** Expiry times saturate: a TTL beyond the range of epoch milliseconds keeps the record for good. */
    @Test
    void aTtlBeyondTheClocksRangeKeepsTheRecord() {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        StoredResponse response = new StoredResponse(200, List.of(), new byte[] {7});
        Duration[] ttls = {Duration.ofSeconds(Long.MAX_VALUE), Duration.ofMillis(Long.MAX_VALUE),
            Duration.ofMillis(Long.MAX_VALUE - clock.millis())};
        for (int i = 0; i < ttls.length; i++) {
            assertThat(acquire(store, new EntryKey("scope", "forever-" + i)).complete(response, ttls[i])).isTrue();
        }

        clock.advance(Duration.ofDays(100 * 365));

        for (int i = 0; i < ttls.length; i++) {
            assertThat(store.claim(new ClaimRequest(new EntryKey("scope", "forever-" + i), FINGERPRINT, LEASE)))
                    .as("TTL %s", ttls[i]).isInstanceOf(ClaimResult.Completed.class);
        }
    }

    /** Expiry arithmetic holds for any clock reading, zero and negative epoch milliseconds included. */
    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01T00:00:00Z", "1969-12-31T23:59:50Z"})
    void leaseEndsOnTimeOnAClockAtOrBeforeTheEpoch(String start) {
        MutableClock epoch = new MutableClock(Instant.parse(start));
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(epoch).build();
        EntryKey key = new EntryKey("scope", "epoch");
        acquire(store, key);

        epoch.advance(LEASE.minusMillis(1));
        assertThat(store.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.InFlight.class);
        epoch.advance(Duration.ofMillis(1));
        assertThat(store.claim(new ClaimRequest(key, FINGERPRINT, LEASE))).isInstanceOf(ClaimResult.Acquired.class);
    }

    private static Claim acquire(IdempotencyStore store, EntryKey key) {
        ClaimResult result = store.claim(new ClaimRequest(key, FINGERPRINT, LEASE));
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }
}
