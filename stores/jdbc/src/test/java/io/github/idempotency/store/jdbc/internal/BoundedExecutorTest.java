package io.github.idempotency.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedExecutorTest {

    private final String name = "bounded-executor-test-" + UUID.randomUUID() + "-";

    @Test
    void startsNoThreadBeforeTheFirstTaskAndEndsThemAfterShutdown() throws Exception {
        BoundedExecutor executor = new BoundedExecutor(name, 2, 4, getClass().getClassLoader());
        assertThat(threads()).isEmpty();

        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads()).extracting(Thread::getName).containsExactly(name + "1");

        executor.shutdown();
        for (Thread thread : threads()) {
            thread.join(10_000);
        }
        assertThat(threads()).isEmpty();
        assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void rejectsATaskAtOnceWhenCapacityTasksWaitAndAcceptsAgainOnceTheyRun() throws Exception {
        BoundedExecutor executor = new BoundedExecutor(name, 1, 2, getClass().getClassLoader());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            executor.execute(() -> {
                running.countDown();
                await(release);
            });
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch waitingRan = new CountDownLatch(2);
            executor.execute(waitingRan::countDown);
            executor.execute(waitingRan::countDown);

            assertThatThrownBy(() -> executor.execute(() -> { }))
                    .isInstanceOf(RejectedExecutionException.class)
                    .hasMessage("full: 2 tasks wait for a thread");

            release.countDown();
            assertThat(waitingRan.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch accepted = new CountDownLatch(1);
            executor.execute(accepted::countDown);
            assertThat(accepted.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            release.countDown();
            executor.shutdown();
        }
    }

    private List<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(name)).toList();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
