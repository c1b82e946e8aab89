package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.StoreFailureMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proxy holds every reply of the store back: the store's timeout (Redis {@code commandTimeout};
 * for PostgreSQL HikariCP's {@code connectionTimeout} and the driver's {@code socketTimeout}) ends
 * the wait, so no request thread waits unbounded.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration RECOVERY = Duration.ofSeconds(20);
    /** What a loaded machine may add to a timeout: scheduling, a connection validation, the HTTP exchange. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    static Stream<Arguments> storesAndTimeouts() {
        return Stream.of(StoreKind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, Duration.ofSeconds(1)), Arguments.of(kind, Duration.ofSeconds(2))));
    }

    @ParameterizedTest(name = "{0}, timeout {1}")
    @MethodSource("storesAndTimeouts")
    void aStoreSlowerThanItsTimeoutGets503WithinTheTimeout(StoreKind kind, Duration timeout) throws Exception {
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", timeout, StoreFailureMode.FAIL_CLOSED, policy());
            assertThat(app.post(UUID.randomUUID().toString()).statusCode()).isEqualTo(201);
            String key = UUID.randomUUID().toString();

            deployment.proxy.delay(timeout.plusSeconds(3));
            long started = System.nanoTime();
            HttpResponse<String> slow = app.post(key);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(slow.statusCode()).isEqualTo(503);
            assertThat(took).isBetween(timeout.minusMillis(50), timeout.multipliedBy(2).plus(MARGIN));
            assertThat(deployment.executions.count(key)).isZero();
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isEqualTo(1);

            // The claim may have been written before its reply was held back: the key is then in
            // flight (409) until the lease runs out, and the handler runs once after that.
            deployment.proxy.delay(Duration.ZERO);
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> recovered = Poll.until(RECOVERY.plus(LEASE), "a 201 once the store is fast again", () -> {
                HttpResponse<String> response = app.post(key);
                statuses.add(response.statusCode());
                return response;
            }, response -> response.statusCode() == 201);
            assertThat(statuses.subList(0, statuses.size() - 1)).allMatch(status -> status == 409 || status == 503);
            assertThat(Http.replayed(recovered)).isFalse();
            assertThat(deployment.executions.count(key)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void latencyBelowTheTimeoutIsOnlySlower(StoreKind kind) throws Exception {
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", Duration.ofSeconds(2), StoreFailureMode.FAIL_CLOSED, policy());
            String key = UUID.randomUUID().toString();

            deployment.proxy.delay(Duration.ofMillis(200));
            HttpResponse<String> first = app.post(key);
            HttpResponse<String> retry = app.post(key);

            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(retry)).isTrue();
            assertThat(retry.body()).isEqualTo(first.body());
            assertThat(deployment.executions.count(key)).isEqualTo(1);
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isZero();
        }
    }

    private static EndpointPolicy policy() {
        return EndpointPolicy.builder().keyRequired(true).lease(LEASE).build();
    }
}
