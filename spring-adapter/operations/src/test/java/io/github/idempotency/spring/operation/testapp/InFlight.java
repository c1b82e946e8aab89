package io.github.idempotency.spring.operation.testapp;

import io.github.idempotency.spring.testapp.Gate;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Calls with one key on threads of their own: a first call held at its gate, and duplicates that
 * meet it in flight. Close it after the test.
 */
public final class InFlight implements AutoCloseable {

    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    /**
     * @param <T> the result
     * @param gate the gate the call waits at
     * @param call the first call
     * @return its result, once the gate is opened
     * @throws InterruptedException if interrupted while waiting for the call to reach its gate
     */
    public <T> Future<T> startHeld(Gate gate, Callable<T> call) throws InterruptedException {
        Future<T> result = threads.submit(call);
        if (!gate.awaitEntered()) {
            throw new AssertionError("the held call never reached its gate");
        }
        return result;
    }

    /**
     * Starts a duplicate that waits for the held call, and returns once it claimed the key and
     * found the held call in flight.
     *
     * @param <T> the result
     * @param listener the runner's listener, counting claims
     * @param call the duplicate
     * @return its result, once the held call completed
     * @throws InterruptedException if interrupted while waiting for the duplicate's claim
     */
    public <T> Future<T> startWaiting(RecordingListener listener, Callable<T> call) throws InterruptedException {
        int claimsBefore = listener.claims();
        Future<T> result = threads.submit(call);
        if (!listener.awaitClaimsBeyond(claimsBefore, Duration.ofSeconds(10))) {
            throw new AssertionError("the duplicate never claimed its key");
        }
        return result;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
