package io.github.idempotency.spring.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a store's expired entries on a schedule, on one daemon thread of its own. Each run deletes
 * one batch, and repeats while a batch comes back full, at most {@value #MAX_BATCHES_PER_RUN} batches,
 * so one run never holds the thread (or the database) for long; the next run continues. A failed
 * run is logged and the schedule goes on.
 */
public final class ScheduledPurge implements AutoCloseable {

    /** The most batches one run deletes. */
    public static final int MAX_BATCHES_PER_RUN = 10;

    private static final Logger log = LoggerFactory.getLogger(ScheduledPurge.class);

    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final IntUnaryOperator purgeBatch;
    private final int batchSize;
    private final Duration interval;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "idempotency-purge");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param purgeBatch deletes at most the given number of expired entries and returns how many it deleted
     * @param batchSize the most entries one call of {@code purgeBatch} deletes, positive
     * @param interval the time from the end of one run to the start of the next, positive
     */
    public ScheduledPurge(IntUnaryOperator purgeBatch, int batchSize, Duration interval) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, was " + batchSize);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.purgeBatch = purgeBatch;
        this.batchSize = batchSize;
        this.interval = interval;
    }

    /** Schedules the runs: the first one interval from now. */
    public void start() {
        executor.scheduleWithFixedDelay(this::runLogged, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs one purge now, on the calling thread.
     *
     * @return the number of entries deleted
     */
    public int runOnce() {
        int deleted = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_RUN && !executor.isShutdown(); batch++) {
            int batchDeleted = purgeBatch.applyAsInt(batchSize);
            deleted += batchDeleted;
            if (batchDeleted < batchSize) {
                break;
            }
        }
        return deleted;
    }

    private void runLogged() {
        try {
            int deleted = runOnce();
            log.debug("Purged {} expired idempotency entries", deleted);
        } catch (RuntimeException e) {
            log.warn("Purging expired idempotency entries failed; next attempt in {}", interval, e);
        }
    }

    /** Stops the schedule, waiting up to 10 seconds for a running batch to finish. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
