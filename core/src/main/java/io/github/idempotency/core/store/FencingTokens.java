package io.github.idempotency.core.store;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fencing tokens for a store that keeps no counter that could outlive its entries (Redis, where
 * an expired entry is gone; a table whose rows are purged). The tokens are the values of a Weyl
 * sequence (a start plus {@code n} times an odd constant, modulo 2<sup>64</sup>) passed through a
 * bijective 64-bit mix, as {@link java.util.SplittableRandom} computes its values. Because the constant is odd the sequence
 * visits every 64-bit value once before it repeats, and because the mix is a bijection so do the
 * tokens: one store never hands out the same token twice in 2<sup>64</sup> claims. The start is
 * drawn from {@link SecureRandom} when the store is built, so two stores (two application
 * instances) give the same token only where their sequences overlap: for stores making {@code n}
 * claims each, with probability about {@code 2n} in 2<sup>64</sup>.
 *
 * <p>Thread-safe and lock-free: {@link #next()} is one atomic add and the mix, with no I/O, so
 * an event loop may call it.
 */
public final class FencingTokens {

    /** The odd increment of {@link java.util.SplittableRandom}'s sequence: 2<sup>64</sup> over the golden ratio. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final AtomicLong position;

    /** @param start the point of the sequence to start after */
    public FencingTokens(long start) {
        this.position = new AtomicLong(start);
    }

    /** @return tokens starting at a point drawn from the platform's default {@link SecureRandom} */
    public static FencingTokens seededBySecureRandom() {
        return new FencingTokens(new SecureRandom().nextLong());
    }

    /** @return the next token */
    public long next() {
        return mix(position.addAndGet(GOLDEN_GAMMA));
    }

    /** Stafford's variant 13 of the MurmurHash3 finalizer: a bijection on 64-bit values. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
