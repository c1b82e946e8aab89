package io.github.idempotency.core.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link IdempotencyStore} in the heap of this JVM, on a Caffeine cache. Suited to a single
 * instance (or tests and demos): entries are neither shared between instances nor kept across
 * restarts.
 *
 * <p><b>Atomicity.</b> {@link #claim(ClaimRequest)} and every method of the returned {@link Claim}
 * are atomic per key: a claim that has to create or take over an entry, and every complete,
 * release and renew, runs inside the cache map's per-key {@code compute}. A claim that finds a live
 * record or a live claim answers from a lock-free read. Fencing tokens come from one counter per
 * store, so no two claims ever made in a store share a token, even after an entry was dropped and
 * created again.
 *
 * <p><b>Time.</b> Lease and record expiry are measured on the {@link Clock} given to the builder
 * (the system UTC clock by default). An entry is expired from the instant its lease or TTL ends.
 * Every operation checks expiry against the clock itself; the cache's own expiry, driven by the
 * same clock, only frees the memory of expired entries, so correctness never depends on when that
 * clean-up runs. A claim handle whose lease has ended can no longer complete, release or renew,
 * even if nobody has taken the entry over yet.
 *
 * <p><b>Size.</b> Completed records are bounded by their total weight in bytes (body length, two
 * bytes per header character and a fixed overhead per record; {@value #DEFAULT_MAXIMUM_WEIGHT_BYTES}
 * bytes by default). When the bound is reached the cache evicts records it judges least likely to
 * be used again, possibly before their TTL ends: a retry whose record was evicted runs the handler
 * again, as if the key were new. Size the bound for the number of responses that must survive
 * their TTL. In-flight claims weigh nothing and are never evicted for size (only their lease ends
 * them), so a full store never lets two requests with the same key run at once.
 *
 * <p>Instances are thread-safe.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    /** The default bound on the total weight of stored records: 256 MiB. */
    public static final long DEFAULT_MAXIMUM_WEIGHT_BYTES = 256L * 1024 * 1024;

    /** Weight added per record for the entry itself, its key and its bookkeeping. */
    static final int RECORD_OVERHEAD_BYTES = 256;

    private final Cache<EntryKey, Entry> entries;
    private final Clock clock;
    private final AtomicLong lastFencingToken = new AtomicLong();

    private InMemoryIdempotencyStore(Builder builder) {
        this.clock = builder.clock;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(builder.maximumWeightBytes)
                .weigher((EntryKey key, Entry entry) -> entry.weightBytes())
                .expireAfter(new EntryExpiry())
                .ticker(() -> epochNanos(clock.instant()))
                .executor(Runnable::run)
                .build();
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
        Entry seen = entries.getIfPresent(key);
        if (seen != null && seen.isLiveAt(clock.instant())) {
            return seen.answer();
        }
        AtomicReference<ClaimResult> result = new AtomicReference<>();
        entries.asMap().compute(key, (k, current) -> {
            Instant now = clock.instant();
            if (current != null && current.isLiveAt(now)) {
                result.set(current.answer());
                return current;
            }
            InFlight claim = new InFlight(request.fingerprint(), lastFencingToken.incrementAndGet(),
                    now.plus(request.lease()));
            result.set(new ClaimResult.Acquired(new HeldClaim(key, claim.fencingToken())));
            return claim;
        });
        return result.get();
    }

    /**
     * The current total weight of the stored entries, after pending evictions have run.
     *
     * @return the weight in bytes, at most the configured bound
     */
    long weightBytes() {
        entries.cleanUp();
        return entries.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** Caffeine's ticker reading: nanoseconds since the epoch on the store clock, saturating. */
    private static long epochNanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** What the cache holds per key: a live or expired claim, or a completed record. */
    private sealed interface Entry {
        Instant expiresAt();

        ClaimResult answer();

        int weightBytes();

        default boolean isLiveAt(Instant now) {
            return now.isBefore(expiresAt());
        }
    }

    private record InFlight(Fingerprint fingerprint, long fencingToken, Instant expiresAt) implements Entry {
        @Override
        public ClaimResult answer() {
            return new ClaimResult.InFlight(fingerprint, expiresAt);
        }

        /** Claims are exempt from size eviction: only their lease ends them. */
        @Override
        public int weightBytes() {
            return 0;
        }

        boolean isHeldBy(long token, Instant now) {
            return fencingToken == token && isLiveAt(now);
        }
    }

    private record Completed(Fingerprint fingerprint, StoredResponse response, Instant expiresAt) implements Entry {
        @Override
        public ClaimResult answer() {
            return new ClaimResult.Completed(fingerprint, response, expiresAt);
        }

        @Override
        public int weightBytes() {
            long weight = RECORD_OVERHEAD_BYTES + (long) response.body().length;
            for (ResponseHeader header : response.headers()) {
                weight += 2L * (header.name().length() + header.value().length());
            }
            return (int) Math.min(weight, Integer.MAX_VALUE);
        }
    }

    /** Expires each entry when its lease or TTL ends, on the ticker derived from the store clock. */
    private static final class EntryExpiry implements Expiry<EntryKey, Entry> {
        @Override
        public long expireAfterCreate(EntryKey key, Entry entry, long currentTime) {
            return Math.max(0, epochNanos(entry.expiresAt()) - currentTime);
        }

        @Override
        public long expireAfterUpdate(EntryKey key, Entry entry, long currentTime, long currentDuration) {
            return expireAfterCreate(key, entry, currentTime);
        }

        @Override
        public long expireAfterRead(EntryKey key, Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /** The handle of one claim; every call compares its fencing token inside the per-key compute. */
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

        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            Objects.requireNonNull(response, "response");
            requirePositive(ttl, "ttl");
            AtomicBoolean completed = new AtomicBoolean();
            entries.asMap().computeIfPresent(key, (k, current) -> {
                Instant now = clock.instant();
                if (current instanceof InFlight claim && claim.isHeldBy(fencingToken, now)) {
                    completed.set(true);
                    return new Completed(claim.fingerprint(), response, now.plus(ttl));
                }
                return current;
            });
            return completed.get();
        }

        @Override
        public boolean release() {
            AtomicBoolean released = new AtomicBoolean();
            entries.asMap().computeIfPresent(key, (k, current) -> {
                if (current instanceof InFlight claim && claim.isHeldBy(fencingToken, clock.instant())) {
                    released.set(true);
                    return null;
                }
                return current;
            });
            return released.get();
        }

        @Override
        public boolean renew(Duration lease) {
            requirePositive(lease, "lease");
            AtomicBoolean renewed = new AtomicBoolean();
            entries.asMap().computeIfPresent(key, (k, current) -> {
                Instant now = clock.instant();
                if (current instanceof InFlight claim && claim.isHeldBy(fencingToken, now)) {
                    renewed.set(true);
                    return new InFlight(claim.fingerprint(), fencingToken, now.plus(lease));
                }
                return current;
            });
            return renewed.get();
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
