package io.github.idempotency.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ledger of every run of the test application's handler, shared by all instances of one test:
 * per idempotency key the response bodies it produced, and the ids of the HTTP requests it ran
 * for. Thread-safe.
 */
final class Executions {

    private final Map<String, List<String>> bodiesByKey = new ConcurrentHashMap<>();
    private final Set<String> requestIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReference<Gate> gate = new AtomicReference<>();
    private volatile long maxWorkMillis;

    /**
     * Records one run of the handler.
     *
     * @param key the request's {@code Idempotency-Key} header as sent
     * @param requestId the request's {@code X-Request-Id}, or {@code null}
     * @param instance the name of the instance running it
     * @return the response body of this run, unique among all runs
     * @throws InterruptedException if interrupted while held at the gate
     */
    String run(String key, String requestId, String instance) throws InterruptedException {
        Gate held = gate.getAndSet(null);
        if (held != null) {
            held.pass();
        }
        long work = maxWorkMillis;
        if (work > 0) {
            Thread.sleep(ThreadLocalRandom.current().nextLong(work + 1));
        }
        String body = "execution " + sequence.incrementAndGet() + " on " + instance;
        bodiesByKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(body);
        if (requestId != null) {
            requestIds.add(requestId);
        }
        return body;
    }

    /** @return how many times the handler ran for {@code key} */
    int count(String key) {
        return bodies(key).size();
    }

    /** @return the bodies the handler produced for {@code key}, in order */
    List<String> bodies(String key) {
        return bodiesByKey.getOrDefault(key, List.of());
    }

    /** @return whether the handler ran for the request with this {@code X-Request-Id} */
    boolean ranFor(String requestId) {
        return requestIds.contains(requestId);
    }

    /** @return the total number of runs */
    long total() {
        return sequence.get();
    }

    /** @param max each run of the handler takes a random time up to {@code max} from now on */
    void work(Duration max) {
        maxWorkMillis = max.toMillis();
    }

    /** @return a gate that holds the next run of the handler (only that one) until {@link Gate#open()} */
    Gate hold() {
        Gate held = new Gate();
        gate.set(held);
        return held;
    }

    /** Holds one run of the handler until opened; tells when it arrived. */
    final class Gate {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch opened = new CountDownLatch(1);

        private void pass() throws InterruptedException {
            entered.countDown();
            if (!opened.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        }

        /** Waits until the run of the handler is held here. */
        void awaitEntered() throws InterruptedException {
            if (!entered.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("no request reached the handler within 30 s");
            }
        }

        /** Lets the held run go on. */
        void open() {
            gate.compareAndSet(this, null);
            opened.countDown();
        }
    }
}
