package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyListener.StoreOperation;
import io.github.idempotency.core.StoreFailureMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A handler that runs three times as long as the lease keeps its claim: the engine renews the
 * lease, so retries on another instance get {@code 409} the whole time and the handler runs once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowHandlerTest {

    private static final Duration LEASE = Duration.ofSeconds(1);
    /** No fault here: a generous timeout, so that a loaded machine cannot turn a retry into a 503. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(5);

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aHandlerRunningThreeLeasesIsNeverRunTwice(StoreKind kind) throws Exception {
        EndpointPolicy policy = EndpointPolicy.builder().keyRequired(true).lease(LEASE).build();
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance holder = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy);
            AppInstance other = deployment.instance("b", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy);
            String key = UUID.randomUUID().toString();
            Executions.Gate gate = deployment.executions.hold();
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> holder.post(key));
            gate.awaitEntered();

            long entered = System.nanoTime();
            List<Integer> retries = new ArrayList<>();
            while (System.nanoTime() - entered < LEASE.multipliedBy(3).toNanos()) {
                retries.add(other.post(key).statusCode());
                Thread.sleep(100); // the pace of the retrying client
            }
            gate.open();
            HttpResponse<String> original = first.get(30, TimeUnit.SECONDS);
            HttpResponse<String> replay = other.post(key);

            assertThat(retries).hasSizeGreaterThan(3).containsOnly(409);
            assertThat(original.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(replay)).isTrue();
            assertThat(replay.body()).isEqualTo(original.body());
            assertThat(deployment.executions.count(key)).isEqualTo(1);
            assertThat(holder.listener().succeededCalls(StoreOperation.RENEW)).isGreaterThanOrEqualTo(2);
            assertThat(holder.listener().failedCalls(StoreOperation.RENEW)).isZero();
        }
    }
}
