package io.github.idempotency.client;

import java.time.Duration;

/** Waits between attempts; tests pass one that records the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    /**
     * @param wait how long to wait; zero or positive
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration wait) throws InterruptedException;

    /** @return a sleeper that blocks the calling thread ({@link Thread#sleep(long, int)}) */
    static Sleeper threadSleep() {
        return wait -> {
            long nanos = wait.toNanos();
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }
}
