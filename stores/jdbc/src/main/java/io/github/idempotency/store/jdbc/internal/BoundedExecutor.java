package io.github.idempotency.store.jdbc.internal;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An executor of at most a fixed number of daemon threads and at most a fixed number of tasks
 * waiting for one, whose {@link #execute(Runnable)} never waits: it hands the task over, or
 * rejects it at once. Threads start with the first tasks and end after a minute without work, or
 * when the executor is shut down and its tasks are done. Thread-safe.
 *
 * <p>It runs on a {@link ForkJoinPool} because handing a task to one is a compare-and-set on a
 * submission queue (the pool takes its lock only to install a new submission queue, a few times
 * in its life), where a {@code ThreadPoolExecutor} locks its work queue on every task, with a
 * lock its own threads take as well: a caller on an event loop could park there. The pool never
 * adds threads beyond its size, also when a task blocks.
 */
public final class BoundedExecutor implements Executor {

    private static final long KEEP_ALIVE_SECONDS = 60;

    private final ForkJoinPool pool;
    private final int threads;
    private final int capacity;
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * Starts no thread.
     *
     * @param threadName the thread name, followed by a number from 1
     * @param threads the most threads that run tasks, 1 to 32767
     * @param capacity the most tasks that wait for a thread, positive
     * @param contextClassLoader the context class loader of the threads
     */
    public BoundedExecutor(String threadName, int threads, int capacity, ClassLoader contextClassLoader) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        AtomicInteger started = new AtomicInteger();
        this.pool = new ForkJoinPool(threads, pool -> {
            ForkJoinWorkerThread thread = new ForkJoinWorkerThread(pool) { };
            thread.setName(threadName + started.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(contextClassLoader);
            return thread;
        }, null, true, 0, threads, 1, pool -> true, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
        this.threads = threads;
        this.capacity = capacity;
    }

    /**
     * Hands {@code task} to a thread, without waiting.
     *
     * @throws RejectedExecutionException if {@link #capacity()} tasks wait already, or the
     *     executor is shut down
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            throw new RejectedExecutionException("full: " + capacity + " tasks wait for a thread");
        }
        try {
            pool.execute(() -> {
                waiting.decrementAndGet();
                task.run();
            });
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
            throw e;
        }
    }

    /** @return the most threads that run tasks */
    public int threads() {
        return threads;
    }

    /** @return the most tasks that wait for a thread */
    public int capacity() {
        return capacity;
    }

    /**
     * Accepts no more tasks; those accepted still run, and the threads end when they are done.
     * Does not wait.
     */
    public void shutdown() {
        pool.shutdown();
    }

    /** @return whether {@link #shutdown()} was called */
    public boolean isShutdown() {
        return pool.isShutdown();
    }
}
