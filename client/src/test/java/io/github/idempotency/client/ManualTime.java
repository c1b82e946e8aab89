package io.github.idempotency.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that moves only when the sleeper "waits", and the record of those waits. */
public final class ManualTime extends Clock implements Sleeper {

    private volatile Instant now = Instant.parse("2026-10-21T07:28:00Z");
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration wait) {
        waits.add(wait);
        advance(wait);
    }

    /** @param duration how far to move the clock */
    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** @return every wait asked for, in order */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock in UTC");
    }
}
