package io.github.idempotency.reliability;

import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.RequestView;
import io.github.idempotency.core.metrics.MicrometerIdempotencyListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes an engine's outcomes to Micrometer (what an operator would watch) and also tells apart,
 * per key, the two kinds of {@code store_error}: at claim time (the handler did not run, or ran
 * without idempotency when failing open) and after the handler ran (its response could not be
 * stored, so a retry after the lease may run it again).
 */
final class RecordingListener implements IdempotencyListener {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerIdempotencyListener metrics = new MicrometerIdempotencyListener(registry);
    /** Requests whose handler runs, with their key, until their response is settled. */
    private final Map<RequestView, String> running = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<String, AtomicInteger> unstoredAfterRunning = new ConcurrentHashMap<>();

    @Override
    public void onOutcome(Outcome outcome, RequestView request) {
        metrics.onOutcome(outcome, request);
        if (outcome == Outcome.NEW) {
            running.put(request, keyOf(request));
        } else if (outcome == Outcome.STORE_ERROR || outcome == Outcome.NOT_STORED) {
            String key = running.remove(request);
            if (key != null && outcome == Outcome.STORE_ERROR) {
                unstoredAfterRunning.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    @Override
    public void onStoreCall(StoreOperation operation, long nanos, boolean succeeded) {
        metrics.onStoreCall(operation, nanos, succeeded);
    }

    /** @return the value of the Micrometer outcome counter for {@code outcome} */
    long count(Outcome outcome) {
        return (long) registry.get(MicrometerIdempotencyListener.OUTCOMES).tag("outcome", outcome.tag()).counter().count();
    }

    /** @return how many calls of {@code operation} threw, as the Micrometer timer tagged {@code error} shows */
    long failedCalls(StoreOperation operation) {
        return storeCalls(operation, "error");
    }

    /** @return how many calls of {@code operation} succeeded, as the Micrometer timer tagged {@code success} shows */
    long succeededCalls(StoreOperation operation) {
        return storeCalls(operation, "success");
    }

    private long storeCalls(StoreOperation operation, String result) {
        return registry.get(MicrometerIdempotencyListener.STORE_CALLS)
                .tag("operation", operation.name().toLowerCase(Locale.ROOT))
                .tag("result", result).timer().count();
    }

    /**
     * @return per key, how many times its handler ran but storing the response failed
     *     ({@code store_error} after {@code new})
     */
    Map<String, Integer> completeFailuresByKey() {
        Map<String, Integer> copy = new ConcurrentHashMap<>();
        unstoredAfterRunning.forEach((key, count) -> copy.put(key, count.get()));
        return copy;
    }

    private static String keyOf(RequestView request) {
        List<String> values = request.headerValues(IdempotencyEngine.DEFAULT_KEY_HEADER);
        return values.isEmpty() ? "" : values.get(0);
    }
}
