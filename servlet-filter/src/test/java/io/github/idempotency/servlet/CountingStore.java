package io.github.idempotency.servlet;

import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.IdempotencyStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that counts claims and tells a test when a claim found the key in flight. */
final class CountingStore implements IdempotencyStore {

    private final IdempotencyStore delegate;
    private final AtomicInteger claims = new AtomicInteger();
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
}
