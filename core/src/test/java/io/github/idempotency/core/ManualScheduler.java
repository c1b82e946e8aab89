package io.github.idempotency.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose periodic tasks run only when a test says so ({@link #runPeriodicTasks()}),
 * so lease renewal can be tested against a {@link MutableClock} without waiting. One-off tasks
 * ({@code schedule}) run as on any scheduled executor.
 */
public final class ManualScheduler extends ScheduledThreadPoolExecutor {

    private final List<Task> tasks = new CopyOnWriteArrayList<>();

    /** A scheduler with no periodic task yet. */
    public ManualScheduler() {
        super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        Task task = new Task(command, unit.toMillis(delay));
        tasks.add(task);
        return task;
    }

    /** Runs every periodic task that has not been cancelled, once. */
    public void runPeriodicTasks() {
        tasks.stream().filter(t -> !t.isCancelled()).forEach(t -> t.command.run());
    }

    /** @return the periodic tasks not cancelled */
    public long activeTasks() {
        return tasks.stream().filter(t -> !t.isCancelled()).count();
    }

    private static final class Task implements ScheduledFuture<Object> {
        private final Runnable command;
        private final long delayMillis;
        private volatile boolean cancelled;

        Task(Runnable command, long delayMillis) {
            this.command = command;
            this.delayMillis = delayMillis;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delayMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("periodic task");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("periodic task");
        }
    }
}
