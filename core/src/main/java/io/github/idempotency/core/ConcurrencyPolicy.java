package io.github.idempotency.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What a request gets when another request with the same key is still in flight.
 *
 * @param maxWait {@link Duration#ZERO} to answer {@code 409} at once; otherwise how long to wait
 *     for the first request to finish before replaying its response or answering {@code 409}
 */
public record ConcurrencyPolicy(Duration maxWait) {

    public ConcurrencyPolicy {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
    }

    /** @return answer {@code 409} with {@code Retry-After} at once (the default) */
    public static ConcurrencyPolicy reject() {
        return new ConcurrencyPolicy(Duration.ZERO);
    }

    /**
     * @param maxWait the longest a duplicate waits for the first request
     * @return wait up to {@code maxWait}, then replay or answer {@code 409}
     */
    public static ConcurrencyPolicy waitUpTo(Duration maxWait) {
        return new ConcurrencyPolicy(maxWait);
    }

    /** @return whether duplicates wait rather than being rejected at once */
    public boolean waits() {
        return !maxWait.isZero();
    }
}
