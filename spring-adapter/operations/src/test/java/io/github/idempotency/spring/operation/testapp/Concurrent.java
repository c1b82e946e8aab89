package io.github.idempotency.spring.operation.testapp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Starts calls on threads of their own at the same moment. */
public final class Concurrent {

    private Concurrent() {
    }

    /** One of the calls, given its index. @param <T> its result */
    @FunctionalInterface
    public interface IndexedCall<T> {
        /**
         * @param index from 0
         * @return the call's result
         * @throws Exception what the call throws
         */
        T run(int index) throws Exception;
    }

    /**
     * @param <T> the calls' result
     * @param calls how many
     * @param call the call
     * @return their results, in index order
     * @throws Exception what the first failed call threw (wrapped), or a timeout after 60 s
     */
    public static <T> List<T> calls(int calls, IndexedCall<T> call) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(calls);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return call.run(index);
                };
                futures.add(threads.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }
}
