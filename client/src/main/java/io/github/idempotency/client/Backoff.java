package io.github.idempotency.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: before retry {@code n} (1 for the first retry) the base wait is
 * {@code initial × multiplier^(n-1)}, at most {@code max}; the wait is drawn uniformly between
 * {@code base × (1 - jitter)} and {@code base}, so that clients that failed together do not retry
 * together.
 *
 * @param initial the base wait before the first retry; positive
 * @param multiplier how much the base grows per retry; at least 1
 * @param max the longest base wait; at least {@code initial}
 * @param jitter the share of the base wait that is random, from 0 (none) to 1 (anywhere from zero to the base)
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive, was " + initial);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number of at least 1, was " + multiplier);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must not be shorter than initial (" + initial + ")");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be from 0 to 1, was " + jitter);
        }
    }

    /** @return 200 ms, doubling, at most 5 s, half of it random */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(200), 2, Duration.ofSeconds(5), 0.5);
    }

    /**
     * @param retry which retry this wait comes before: 1 for the first
     * @param random where the jitter comes from
     * @return the wait, between {@code base × (1 - jitter)} and {@code base}
     * @throws IllegalArgumentException if {@code retry} is less than 1
     */
    public Duration delay(int retry, RandomGenerator random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1, was " + retry);
        }
        double baseNanos = Math.min((double) max.toNanos(), initial.toNanos() * Math.pow(multiplier, retry - 1));
        double factor = 1 - jitter * random.nextDouble();
        return Duration.ofNanos((long) (baseNanos * factor));
    }
}
