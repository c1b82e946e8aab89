package io.github.idempotency.core.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.EntrySummary;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InspectableStore;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * An {@link IdempotencyStore} in the heap of this JVM, on a Caffeine cache. Suited to a single
 * instance (or tests and demos): entries are neither shared between instances nor kept across
 * restarts.
 *
 * <p><b>Layout.</b> Running requests' claims live in a concurrent map, completed records in a
 * Caffeine cache bounded by weight: a new key costs the cache one write (its record), a retry one
 * read.
 *
 * <p><b>Atomicity.</b> {@link #claim(ClaimRequest)} and every method of the returned {@link Claim}
 * are atomic per key. A claim takes a free key with {@code putIfAbsent}, or an expired claim with
 * a {@code replace} of exactly the entry it read. Complete, release and renew check and update
 * their claim inside the claims map's per-key update; a complete stores the record there before
 * it removes the claim, and a claim that has just taken a key looks for a record once more, so
 * no request can take a key whose response is being stored. No lock is held across keys.
 * Fencing tokens come from one counter per store, so no two claims ever made in a store share a
 * token, even after an entry was dropped and created again.
 *
 * <p><b>Time.</b> Lease and record expiry are measured in milliseconds on the {@link Clock} given
 * to the builder (the system UTC clock by default), which each operation reads once. An entry is
 * expired from the millisecond its lease or TTL ends. Every operation checks expiry against the
 * clock itself; the cache's own expiry, driven by the same clock, and a sweep of expired claims
 * every {@value #CLAIMS_PER_SWEEP} claims only free memory, so correctness never depends on when
 * that clean-up runs. A claim handle whose lease has ended can no longer complete, release or
 * renew, even if nobody has taken the entry over yet.
 *
 * <p><b>Size.</b> Completed records are bounded by their total weight in bytes (body length, two
 * bytes per header character and a fixed overhead per record; {@value #DEFAULT_MAXIMUM_WEIGHT_BYTES}
 * bytes by default). When the bound is reached the cache evicts records it judges least likely to
 * be used again, possibly before their TTL ends: a retry whose record was evicted runs the handler
 * again, as if the key were new. Size the bound for the number of responses that must survive
 * their TTL. Claims are not in the cache and never evicted for size (only their lease ends them),
 * so a full store never lets two requests with the same key run at once.
 *
 * <p><b>Inspection.</b> {@link #inspect(EntryKey)} reads the entry as a claim would;
 * {@link #evict(EntryKey)} removes the claim first, then the record, so that a complete racing
 * with it either fails its fencing check or has stored its record, which is then removed.
 *
 * <p><b>Non-blocking path.</b> Every operation is a few map reads and updates in the heap that
 * never wait for I/O, a timer or another request, so the SPI's default {@code ...Async} methods,
 * which run the blocking method on the calling thread and return a completed stage, are right for
 * this store, and an event loop may call them. Per-key updates run inside the maps' own short
 * critical sections, and no code of the store sleeps, parks or waits on a lock. The one wait
 * Caffeine may impose is its back-pressure: when records are written faster than its maintenance
 * keeps up, a writer spins briefly and takes the cache's eviction lock to help.
 *
 * <p>Instances are thread-safe.
 */
public final class InMemoryIdempotencyStore implements InspectableStore {

    /** The default bound on the total weight of stored records: 256 MiB. */
    public static final long DEFAULT_MAXIMUM_WEIGHT_BYTES = 256L * 1024 * 1024;

    /** Weight added per record for the entry itself, its key and its bookkeeping. */
    static final int RECORD_OVERHEAD_BYTES = 256;

    /** How many claims are made between two sweeps of the claims whose lease ended unreleased. */
    private static final int CLAIMS_PER_SWEEP = 1024;

    /** Running requests: short-lived, weightless, never evicted; only their lease ends them. */
    private final ConcurrentHashMap<EntryKey, InFlight> claims = new ConcurrentHashMap<>();
    /** Completed records, bounded by weight, each expiring with its TTL. */
    private final Cache<EntryKey, Completed> records;
    private final ConcurrentMap<EntryKey, Completed> recordMap;
    private final Clock clock;
    private final long maximumWeightBytes;
    private final AtomicLong lastFencingToken = new AtomicLong();

    private InMemoryIdempotencyStore(Builder builder) {
        this.clock = builder.clock;
        this.maximumWeightBytes = builder.maximumWeightBytes;
        this.records = Caffeine.newBuilder()
                .maximumWeight(builder.maximumWeightBytes)
                .weigher((EntryKey key, Completed record) -> record.weightBytes())
                .expireAfter(new RecordExpiry())
                .ticker(() -> nanos(clock.millis()))
                .executor(Runnable::run)
                .build();
        this.recordMap = records.asMap();
    }

    /** @return a store with the default weight bound on the system UTC clock */
    public static InMemoryIdempotencyStore create() {
        return builder().build();
    }

    /** @return a builder with the defaults: {@value #DEFAULT_MAXIMUM_WEIGHT_BYTES} bytes, system UTC clock */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        EntryKey key = request.key();
        long now = clock.millis();
        while (true) {
            Completed record = liveRecord(key, now);
            if (record != null) {
                return record.answer();
            }
            InFlight current = claims.get(key);
            if (current != null && current.isLiveAt(now)) {
                return current.answer();
            }
            long token = lastFencingToken.incrementAndGet();
            InFlight claim = new InFlight(request.fingerprint(), token, plusMillis(now, request.lease()));
            boolean placed = current == null ? claims.putIfAbsent(key, claim) == null : claims.replace(key, current, claim);
            if (!placed) {
                continue;
            }
            // A complete stores the record before it removes its claim: one that finished between
            // the two reads above left a record to find now.
            record = liveRecord(key, now);
            if (record != null) {
                claims.remove(key, claim);
                return record.answer();
            }
            if (token % CLAIMS_PER_SWEEP == 0) {
                claims.values().removeIf(c -> !c.isLiveAt(now));
            }
            return new ClaimResult.Acquired(new HeldClaim(key, token));
        }
    }

    @Override
    public Optional<EntrySummary> inspect(EntryKey key) {
        long now = clock.millis();
        Completed record = liveRecord(key, now);
        if (record == null) {
            InFlight claim = claims.get(key);
            if (claim != null && claim.isLiveAt(now)) {
                return Optional.of(claim.summary());
            }
            // A complete stores the record before it removes its claim: one that finished between
            // the two reads above left a record to find now.
            record = liveRecord(key, now);
        }
        return record == null ? Optional.empty() : Optional.of(record.summary());
    }

    @Override
    public boolean evict(EntryKey key) {
        long now = clock.millis();
        InFlight claim = claims.remove(key);
        Completed record = recordMap.remove(key);
        return claim != null && claim.isLiveAt(now) || record != null && record.isLiveAt(now);
    }

    private Completed liveRecord(EntryKey key, long now) {
        Completed record = recordMap.get(key);
        return record != null && record.isLiveAt(now) ? record : null;
    }

    /**
     * The current total weight of the stored entries, after pending evictions have run.
     *
     * @return the weight in bytes, at most the configured bound
     */
    long weightBytes() {
        records.cleanUp();
        return records.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** Caffeine's ticker reading for a time in epoch milliseconds, saturating. */
    private static long nanos(long millis) {
        if (millis >= Long.MAX_VALUE / 1_000_000) {
            return Long.MAX_VALUE;
        }
        return millis <= Long.MIN_VALUE / 1_000_000 ? Long.MIN_VALUE : millis * 1_000_000;
    }

    /** {@code now} plus {@code duration} in epoch milliseconds, saturating. */
    private static long plusMillis(long now, Duration duration) {
        long millis;
        try {
            millis = duration.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        long sum = now + millis;
        return ((now ^ sum) & (millis ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * A live or expired claim, or a completed record. Entries are immutable and compared by
     * identity, so that a conditional replace or remove acts only on the very entry that was read
     * and checked.
     */
    private abstract static sealed class Entry permits InFlight, Completed {
        final Fingerprint fingerprint;
        /** Epoch milliseconds on the store clock from which the entry is expired. */
        final long expiresAtMillis;

        Entry(Fingerprint fingerprint, long expiresAtMillis) {
            this.fingerprint = fingerprint;
            this.expiresAtMillis = expiresAtMillis;
        }

        abstract ClaimResult answer();

        abstract EntrySummary summary();

        final boolean isLiveAt(long nowMillis) {
            return nowMillis < expiresAtMillis;
        }

        final Instant expiresAt() {
            return Instant.ofEpochMilli(expiresAtMillis);
        }
    }

    private static final class InFlight extends Entry {
        final long fencingToken;

        InFlight(Fingerprint fingerprint, long fencingToken, long expiresAtMillis) {
            super(fingerprint, expiresAtMillis);
            this.fencingToken = fencingToken;
        }

        @Override
        ClaimResult answer() {
            return new ClaimResult.InFlight(fingerprint, expiresAt());
        }

        @Override
        EntrySummary summary() {
            return new EntrySummary.InFlight(fingerprint, expiresAt());
        }

        boolean isHeldBy(long token, long nowMillis) {
            return fencingToken == token && isLiveAt(nowMillis);
        }
    }

    private static final class Completed extends Entry {
        final StoredResponse response;

        Completed(Fingerprint fingerprint, StoredResponse response, long expiresAtMillis) {
            super(fingerprint, expiresAtMillis);
            this.response = response;
        }

        @Override
        ClaimResult answer() {
            return new ClaimResult.Completed(fingerprint, response, expiresAt());
        }

        @Override
        EntrySummary summary() {
            return new EntrySummary.Completed(fingerprint, expiresAt(), response.status(), response.body().length);
        }

        int weightBytes() {
            long weight = RECORD_OVERHEAD_BYTES + (long) response.body().length;
            for (ResponseHeader header : response.headers()) {
                weight += 2L * (header.name().length() + header.value().length());
            }
            return (int) Math.min(weight, Integer.MAX_VALUE);
        }
    }

    /** Expires each record when its TTL ends, on the ticker derived from the store clock. */
    private static final class RecordExpiry implements Expiry<EntryKey, Completed> {
        @Override
        public long expireAfterCreate(EntryKey key, Completed record, long currentTime) {
            return Math.max(0, nanos(record.expiresAtMillis) - currentTime);
        }

        @Override
        public long expireAfterUpdate(EntryKey key, Completed record, long currentTime, long currentDuration) {
            return expireAfterCreate(key, record, currentTime);
        }

        @Override
        public long expireAfterRead(EntryKey key, Completed record, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /** @return the store's class and the bound on its records' weight */
    @Override
    public String toString() {
        return "InMemoryIdempotencyStore[maximumWeightBytes=" + maximumWeightBytes + "]";
    }

    /** The handle of one claim; every call checks and updates the claim in one per-key update. */
    private final class HeldClaim implements Claim {
        private final EntryKey key;
        private final long fencingToken;

        HeldClaim(EntryKey key, long fencingToken) {
            this.key = key;
            this.fencingToken = fencingToken;
        }

        @Override
        public EntryKey key() {
            return key;
        }

        @Override
        public long fencingToken() {
            return fencingToken;
        }

        /**
         * Moves the claim to the records: the record is stored before the claim is removed, so a
         * claim on the key finds one or the other.
         */
        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            Objects.requireNonNull(response, "response");
            requirePositive(ttl, "ttl");
            long now = clock.millis();
            long expiresAt = plusMillis(now, ttl);
            return updateHeld(now, claim -> {
                recordMap.put(key, new Completed(claim.fingerprint, response, expiresAt));
                return null;
            });
        }

        @Override
        public boolean release() {
            return updateHeld(clock.millis(), claim -> null);
        }

        @Override
        public boolean renew(Duration lease) {
            requirePositive(lease, "lease");
            long now = clock.millis();
            return updateHeld(now, claim -> new InFlight(claim.fingerprint, fencingToken, plusMillis(now, lease)));
        }

        /**
         * Replaces this claim by {@code next}'s answer (removes it on {@code null}) inside the
         * claims map's per-key update, if the claim there is this one with its lease running at
         * {@code now}.
         *
         * @return whether it was this claim and was updated
         */
        private boolean updateHeld(long now, UnaryOperator<InFlight> next) {
            AtomicBoolean updated = new AtomicBoolean();
            claims.computeIfPresent(key, (k, current) -> {
                if (!current.isHeldBy(fencingToken, now)) {
                    return current;
                }
                updated.set(true);
                return next.apply(current);
            });
            return updated.get();
        }

        @Override
        public String toString() {
            return "InMemoryClaim[" + key + ", fencingToken=" + fencingToken + "]";
        }
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }

    /** Configures an {@link InMemoryIdempotencyStore}. Not thread-safe; build once. */
    public static final class Builder {
        private long maximumWeightBytes = DEFAULT_MAXIMUM_WEIGHT_BYTES;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param maximumWeightBytes the bound on the total weight of completed records, in bytes
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maximumWeightBytes(long maximumWeightBytes) {
            if (maximumWeightBytes <= 0) {
                throw new IllegalArgumentException("maximumWeightBytes must be positive, was " + maximumWeightBytes);
            }
            this.maximumWeightBytes = maximumWeightBytes;
            return this;
        }

        /**
         * @param clock the clock that lease and record expiry are measured on
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return a new, empty store */
        public InMemoryIdempotencyStore build() {
            return new InMemoryIdempotencyStore(this);
        }
    }
}
