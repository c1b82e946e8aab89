package io.github.idempotency.core.metrics;

import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.RequestView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the engine's decisions and store latencies to Micrometer (an optional dependency:
 * use this class only when {@code micrometer-core} is on the class path).
 *
 * <ul>
 *   <li>{@value #OUTCOMES}: counter tagged {@code outcome} = {@code new}, {@code replayed},
 *       {@code mismatch}, {@code in_flight}, {@code missing_key}, {@code invalid_key},
 *       {@code body_too_large}, {@code store_error}, {@code not_stored}, {@code unreadable_record}. A request whose handler
 *       ran counts {@code new}, and additionally {@code not_stored} (or {@code store_error}) when
 *       its response was not stored.</li>
 *   <li>{@value #STORE_CALLS}: timer tagged {@code operation} = {@code claim}, {@code complete},
 *       {@code release}, {@code renew} and {@code result} = {@code success} or {@code error}.</li>
 * </ul>
 *
 * <p>All meters are registered up front, so recording allocates nothing. Thread-safe.
 */
public final class MicrometerIdempotencyListener implements IdempotencyListener {

    /** Name of the outcome counter. */
    public static final String OUTCOMES = "idempotency.requests";

    /** Name of the store call timer. */
    public static final String STORE_CALLS = "idempotency.store.calls";

    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final Map<StoreOperation, Timer> succeeded = new EnumMap<>(StoreOperation.class);
    private final Map<StoreOperation, Timer> failed = new EnumMap<>(StoreOperation.class);

    /** @param registry where the meters are registered */
    public MicrometerIdempotencyListener(MeterRegistry registry) {
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder(OUTCOMES)
                    .description("Idempotency-Key decisions by outcome")
                    .tag("outcome", outcome.tag())
                    .register(registry));
        }
        for (StoreOperation operation : StoreOperation.values()) {
            succeeded.put(operation, storeTimer(registry, operation, "success"));
            failed.put(operation, storeTimer(registry, operation, "error"));
        }
    }

    private static Timer storeTimer(MeterRegistry registry, StoreOperation operation, String result) {
        return Timer.builder(STORE_CALLS)
                .description("Latency of idempotency store calls")
                .tag("operation", operation.name().toLowerCase(java.util.Locale.ROOT))
                .tag("result", result)
                .register(registry);
    }

    @Override
    public void onOutcome(Outcome outcome, RequestView request) {
        outcomes.get(outcome).increment();
    }

    @Override
    public void onStoreCall(StoreOperation operation, long nanos, boolean succeeded) {
        (succeeded ? this.succeeded : failed).get(operation).record(nanos, TimeUnit.NANOSECONDS);
    }
}
