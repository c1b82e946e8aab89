package io.github.idempotency.servlet;

import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.StoredResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that counts claims, tells a test when a claim found its key in flight, and when a key's
 * claim was completed.
 */
final class CountingStore implements IdempotencyStore {

    private final IdempotencyStore delegate;
    private final AtomicInteger claims = new AtomicInteger();
    private final Map<String, CountDownLatch> completed = new ConcurrentHashMap<>();
    private volatile CountDownLatch inFlightSeen = new CountDownLatch(0);

    CountingStore(IdempotencyStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        claims.incrementAndGet();
        ClaimResult result = delegate.claim(request);
        if (result instanceof ClaimResult.InFlight) {
            inFlightSeen.countDown();
        }
        if (result instanceof ClaimResult.Acquired acquired) {
            return new ClaimResult.Acquired(new SignallingClaim(acquired.claim()));
        }
        return result;
    }

    int claims() {
        return claims.get();
    }

    /** @return a latch released by the next claim that finds its key in flight */
    CountDownLatch nextInFlight() {
        CountDownLatch latch = new CountDownLatch(1);
        inFlightSeen = latch;
        return latch;
    }

    /** @return a latch released once a response was stored for the key (in any scope) */
    CountDownLatch completed(String key) {
        return completed.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    private final class SignallingClaim implements Claim {
        private final Claim claim;

        SignallingClaim(Claim claim) {
            this.claim = claim;
        }

        @Override
        public EntryKey key() {
            return claim.key();
        }

        @Override
        public long fencingToken() {
            return claim.fencingToken();
        }

        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            boolean stored = claim.complete(response, ttl);
            if (stored) {
                completed(claim.key().key()).countDown();
            }
            return stored;
        }

        @Override
        public boolean release() {
            return claim.release();
        }

        @Override
        public boolean renew(Duration lease) {
            return claim.renew(lease);
        }
    }
}
