package io.github.idempotency.reliability;

import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.RequestView;
import io.github.idempotency.core.metrics.MicrometerIdempotencyListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes an engine's outcomes to Micrometer (what an operator would watch) and also records,
 * per key, the runs of the handler whose response was not stored: {@code store_error} after the
 * handler ran (storing failed) and {@code not_stored} after it ran (for the test application's
 * small {@code 201} responses, only a claim lost to an expired lease). Either may let a retry after
 * the lease run the handler again. A {@code store_error} without a run is a failure at claim time.
 */
final class RecordingListener implements IdempotencyListener {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerIdempotencyListener metrics = new MicrometerIdempotencyListener(registry);
    /** Requests whose handler runs, with their key, until their response is settled. */
    private final Map<RequestView, String> running = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<String, AtomicInteger> failedCompletes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lostClaims = new ConcurrentHashMap<>();

    @Override
    public void onOutcome(Outcome outcome, RequestView request) {
        metrics.onOutcome(outcome, request);
        if (outcome == Outcome.NEW) {
            running.put(request, keyOf(request));
        } else if (outcome == Outcome.STORE_ERROR || outcome == Outcome.NOT_STORED) {
            String key = running.remove(request);
            if (key != null) {
                (outcome == Outcome.STORE_ERROR ? failedCompletes : lostClaims)
                        .computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
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
        return snapshot(failedCompletes);
    }

    /** @return per key, how many times its handler ran but its response was not stored ({@code not_stored} after {@code new}) */
    Map<String, Integer> notStoredByKey() {
        return snapshot(lostClaims);
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts) {
        Map<String, Integer> copy = new HashMap<>();
        counts.forEach((key, count) -> copy.put(key, count.get()));
        return copy;
    }

    private static String keyOf(RequestView request) {
        List<String> values = request.headerValues(IdempotencyEngine.DEFAULT_KEY_HEADER);
        return values.isEmpty() ? "" : values.get(0);
    }
}
