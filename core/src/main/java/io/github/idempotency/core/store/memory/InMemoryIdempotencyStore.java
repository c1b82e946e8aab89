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
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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
 * <p><b>Size.</b> Each completed record is kept as one byte array, the response in the encoding
 * that the Redis and JDBC stores write, decoded again on a replay, under a key that is one array
 * too. Records are bounded by their total weight in bytes: the array's length plus a fixed
 * overhead per record for its key and the cache's entry, which together come close to the heap
 * the record retains; {@value #DEFAULT_MAXIMUM_WEIGHT_BYTES} bytes by default. When the bound is
 * reached the cache evicts records it judges least likely to be used again, possibly before their TTL ends: a retry whose record was evicted runs the handler
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

    /**
     * Weight added per record for its key, the cache's entry and the array's own header: what a
     * record retains beyond its array's contents on a 64-bit JVM with compressed references (about
     * 240 bytes for a client's UUID key in a scope of 20 characters, measured with a heap histogram).
     */
    static final int RECORD_OVERHEAD_BYTES = 240;

    /** How many claims are made between two sweeps of the claims whose lease ended unreleased. */
    private static final int CLAIMS_PER_SWEEP = 1024;

    /** Running requests: short-lived, weightless, never evicted; only their lease ends them. */
    private final ConcurrentHashMap<EntryKey, InFlight> claims = new ConcurrentHashMap<>();
    /** Completed records, bounded by weight, each expiring with its TTL: see {@link Records}. */
    private final Cache<RecordKey, byte[]> records;
    private final ConcurrentMap<RecordKey, byte[]> recordMap;
    private final Clock clock;
    private final long maximumWeightBytes;
    private final AtomicLong lastFencingToken = new AtomicLong();

    private InMemoryIdempotencyStore(Builder builder) {
        this.clock = builder.clock;
        this.maximumWeightBytes = builder.maximumWeightBytes;
        this.records = Caffeine.newBuilder()
                .maximumWeight(builder.maximumWeightBytes)
                .weigher((RecordKey key, byte[] record) -> Records.weightBytes(record))
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
        RecordKey recordKey = RecordKey.of(key);
        long now = clock.millis();
        while (true) {
            byte[] record = liveRecord(recordKey, now);
            if (record != null) {
                return Records.answer(record);
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
            record = liveRecord(recordKey, now);
            if (record != null) {
                claims.remove(key, claim);
                return Records.answer(record);
            }
            if (token % CLAIMS_PER_SWEEP == 0) {
                claims.values().removeIf(c -> !c.isLiveAt(now));
            }
            return new ClaimResult.Acquired(new HeldClaim(key, recordKey, token));
        }
    }

    @Override
    public Optional<EntrySummary> inspect(EntryKey key) {
        RecordKey recordKey = RecordKey.of(key);
        long now = clock.millis();
        byte[] record = liveRecord(recordKey, now);
        if (record == null) {
            InFlight claim = claims.get(key);
            if (claim != null && claim.isLiveAt(now)) {
                return Optional.of(claim.summary());
            }
            // A complete stores the record before it removes its claim: one that finished between
            // the two reads above left a record to find now.
            record = liveRecord(recordKey, now);
        }
        return record == null ? Optional.empty() : Optional.of(Records.summary(record));
    }

    @Override
    public boolean evict(EntryKey key) {
        long now = clock.millis();
        InFlight claim = claims.remove(key);
        byte[] record = recordMap.remove(RecordKey.of(key));
        return claim != null && claim.isLiveAt(now) || record != null && Records.isLiveAt(record, now);
    }

    private byte[] liveRecord(RecordKey key, long now) {
        byte[] record = recordMap.get(key);
        return record != null && Records.isLiveAt(record, now) ? record : null;
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
     * A live or expired claim. Claims are immutable and compared by identity, so that a
     * conditional replace or remove acts only on the very claim that was read and checked.
     */
    private static final class InFlight {
        final Fingerprint fingerprint;
        final long fencingToken;
        /** Epoch milliseconds on the store clock from which the claim is expired. */
        final long expiresAtMillis;

        InFlight(Fingerprint fingerprint, long fencingToken, long expiresAtMillis) {
            this.fingerprint = fingerprint;
            this.fencingToken = fencingToken;
            this.expiresAtMillis = expiresAtMillis;
        }

        boolean isLiveAt(long nowMillis) {
            return nowMillis < expiresAtMillis;
        }

        ClaimResult answer() {
            return new ClaimResult.InFlight(fingerprint, Instant.ofEpochMilli(expiresAtMillis));
        }

        EntrySummary summary() {
            return new EntrySummary.InFlight(fingerprint, Instant.ofEpochMilli(expiresAtMillis));
        }

        boolean isHeldBy(long token, long nowMillis) {
            return fencingToken == token && isLiveAt(nowMillis);
        }
    }

    /**
     * A completed record is one byte array: its expiry (epoch milliseconds, 8 bytes), the length
     * of its fingerprint (1 byte), the fingerprint, then the response as
     * {@link StoredResponseCodec} encodes it. One object per record instead of a graph of a
     * dozen (response, header list, header records, strings, body, fingerprint) leaves a young
     * collection almost nothing to trace among the records it copies, and keeps the retained heap
     * close to the encoded size; a replay decodes the response, which costs less than the
     * collections saved.
     */
    private static final class Records {
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
        private static final int FINGERPRINT_AT = Long.BYTES + 1;

        private Records() {
        }

        static byte[] of(Fingerprint fingerprint, StoredResponse response, long expiresAtMillis) {
            byte[] digest = fingerprint.bytes();
            int responseAt = FINGERPRINT_AT + digest.length;
            byte[] record = StoredResponseCodec.encode(response, responseAt);
            LONG.set(record, 0, expiresAtMillis);
            record[Long.BYTES] = (byte) digest.length;
            System.arraycopy(digest, 0, record, FINGERPRINT_AT, digest.length);
            return record;
        }

        static long expiresAtMillis(byte[] record) {
            return (long) LONG.get(record, 0);
        }

        static boolean isLiveAt(byte[] record, long nowMillis) {
            return nowMillis < expiresAtMillis(record);
        }

        static ClaimResult answer(byte[] record) {
            return new ClaimResult.Completed(fingerprint(record), response(record),
                    Instant.ofEpochMilli(expiresAtMillis(record)));
        }

        static EntrySummary summary(byte[] record) {
            StoredResponse response = response(record);
            return new EntrySummary.Completed(fingerprint(record), Instant.ofEpochMilli(expiresAtMillis(record)),
                    response.status(), response.body().length);
        }

        static int weightBytes(byte[] record) {
            return (int) Math.min((long) RECORD_OVERHEAD_BYTES + record.length, Integer.MAX_VALUE);
        }

        private static Fingerprint fingerprint(byte[] record) {
            return Fingerprint.of(record, FINGERPRINT_AT, record[Long.BYTES]);
        }

        private static StoredResponse response(byte[] record) {
            return StoredResponseCodec.decode(record, FINGERPRINT_AT + record[Long.BYTES]);
        }
    }

    /**
     * The key of a completed record: the entry key's scope and key in one array, with its hash. Two
     * objects per record instead of the entry key's five (the key, two strings and their arrays);
     * a lookup builds one from the entry key. The array is a form byte, then each string's length
     * (32 bits) and characters: one byte per character when every character of both strings is
     * below U+0100 (form 0, as a client's UUID and a scope nearly always are), two otherwise
     * (form 1), so that two different entry keys never give equal arrays.
     */
    private static final class RecordKey {
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle CHAR = MethodHandles.byteArrayViewVarHandle(char[].class, ByteOrder.BIG_ENDIAN);

        private final byte[] bytes;
        private final int hash;

        private RecordKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        static RecordKey of(EntryKey key) {
            String scope = key.scope();
            String idempotencyKey = key.key();
            int bytesPerChar = isLatin1(scope) && isLatin1(idempotencyKey) ? 1 : 2;
            byte[] bytes = new byte[1 + 2 * Integer.BYTES + bytesPerChar * (scope.length() + idempotencyKey.length())];
            bytes[0] = (byte) (bytesPerChar - 1);
            int at = put(bytes, 1, scope, bytesPerChar);
            put(bytes, at, idempotencyKey, bytesPerChar);
            return new RecordKey(bytes);
        }

        private static boolean isLatin1(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0xFF) {
                    return false;
                }
            }
            return true;
        }

        /** Writes the length of {@code s} and its characters at {@code at}; returns where they end. */
        private static int put(byte[] out, int at, String s, int bytesPerChar) {
            INT.set(out, at, s.length());
            at += Integer.BYTES;
            if (bytesPerChar == 1) {
                for (int i = 0; i < s.length(); i++) {
                    out[at++] = (byte) s.charAt(i);
                }
                return at;
            }
            for (int i = 0; i < s.length(); i++, at += 2) {
                CHAR.set(out, at, s.charAt(i));
            }
            return at;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RecordKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Expires each record when its TTL ends, on the ticker derived from the store clock. */
    private static final class RecordExpiry implements Expiry<RecordKey, byte[]> {
        @Override
        public long expireAfterCreate(RecordKey key, byte[] record, long currentTime) {
            return Math.max(0, nanos(Records.expiresAtMillis(record)) - currentTime);
        }

        @Override
        public long expireAfterUpdate(RecordKey key, byte[] record, long currentTime, long currentDuration) {
            return expireAfterCreate(key, record, currentTime);
        }

        @Override
        public long expireAfterRead(RecordKey key, byte[] record, long currentTime, long currentDuration) {
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
        private final RecordKey recordKey;
        private final long fencingToken;

        HeldClaim(EntryKey key, RecordKey recordKey, long fencingToken) {
            this.key = key;
            this.recordKey = recordKey;
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
                recordMap.put(recordKey, Records.of(claim.fingerprint, response, expiresAt));
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
