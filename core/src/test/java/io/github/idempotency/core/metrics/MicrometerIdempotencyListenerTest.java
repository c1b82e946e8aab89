package io.github.idempotency.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.IdempotencyListener.StoreOperation;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.TestRequest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerIdempotencyListenerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(registry);

    @Test
    void everyMeterIsRegisteredUpFront() {
        assertThat(registry.find(MicrometerIdempotencyListener.OUTCOMES).counters()).hasSize(Outcome.values().length);
        assertThat(registry.find(MicrometerIdempotencyListener.STORE_CALLS).timers())
                .hasSize(2 * StoreOperation.values().length);
        assertThat(registry.get(MicrometerIdempotencyListener.OUTCOMES).tag("outcome", "in_flight").counter().count())
                .isZero();
    }

    @Test
    void outcomesAreCountedByTheirTag() {
        listener.onOutcome(Outcome.NEW, TestRequest.post("/p"));
        listener.onOutcome(Outcome.NEW, TestRequest.post("/p"));
        listener.onOutcome(Outcome.IN_FLIGHT, TestRequest.post("/p"));

        assertThat(registry.get(MicrometerIdempotencyListener.OUTCOMES).tag("outcome", "new").counter().count())
                .isEqualTo(2);
        assertThat(registry.get(MicrometerIdempotencyListener.OUTCOMES).tag("outcome", "in_flight").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MicrometerIdempotencyListener.OUTCOMES).tag("outcome", "replayed").counter().count())
                .isZero();
    }

    @Test
    void storeCallsAreTimedByOperationAndResult() {
        listener.onStoreCall(StoreOperation.CLAIM, 2_000_000, true);
        listener.onStoreCall(StoreOperation.RENEW, 5_000_000, false);

        Timer claims = timer("claim", "success");
        assertThat(claims.count()).isEqualTo(1);
        assertThat(claims.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2.0);
        Timer failedRenewals = timer("renew", "error");
        assertThat(failedRenewals.count()).isEqualTo(1);
        assertThat(failedRenewals.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
        assertThat(timer("claim", "error").count()).isZero();
        assertThat(timer("renew", "success").count()).isZero();
    }

    private Timer timer(String operation, String result) {
        return registry.get(MicrometerIdempotencyListener.STORE_CALLS).tag("operation", operation).tag("result", result)
                .timer();
    }
}
