package io.github.idempotency.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock for tests that stands still until told to move. Thread-safe: one thread may advance it
 * while others read it. Clocks made by {@link #withZone(ZoneId)} share the same time.
 */
public final class MutableClock extends Clock {

    /** Where a clock made with {@link #MutableClock()} starts. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START}, in UTC. */
    public MutableClock() {
        this(DEFAULT_START);
    }

    /** @param start the instant the clock shows until advanced */
    public MutableClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far; zero or positive
     * @return the new instant
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Instant advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a test clock only moves forward, asked to move " + duration);
        }
        return now.updateAndGet(t -> t.plus(duration));
    }

    /**
     * @return this clock's time in nanoseconds since the epoch: a monotonic source (the clock only
     *     moves forward) for {@code IdempotencyEngine.Builder#nanoTime}
     */
    public long nanoTime() {
        Instant t = now.get();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new MutableClock(now, zone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + ", " + zone + "]";
    }
}
