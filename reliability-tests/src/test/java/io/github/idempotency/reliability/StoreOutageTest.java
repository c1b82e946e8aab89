package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyListener.StoreOperation;
import io.github.idempotency.core.Outcome;
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
 * The store goes away (the proxy between the application and Redis or PostgreSQL is cut) at claim
 * time, while the handler runs, and at complete time; then it comes back without a restart.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoreOutageTest {

    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);
    /** How long a recovering client (Lettuce reconnecting, HikariCP opening connections) may take. */
    private static final Duration RECOVERY = Duration.ofSeconds(20);

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void failClosedAnswers503WithRetryAfterAndDoesNotRunTheHandler(StoreKind kind) throws Exception {
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy(Duration.ofSeconds(30)));
            assertThat(app.post(UUID.randomUUID().toString()).statusCode()).isEqualTo(201);
            String key = UUID.randomUUID().toString();

            deployment.proxy.cut();
            long started = System.nanoTime();
            HttpResponse<String> rejected = app.post(key);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(rejected.statusCode()).isEqualTo(503);
            assertThat(rejected.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(rejected.headers().firstValue("Retry-After")).contains("5");
            assertThat(rejected.body()).contains("\"type\":\"https://idempotency.github.io/problems/idempotency-store-unavailable\"");
            assertThat(took).isLessThan(STORE_TIMEOUT.multipliedBy(2).plusSeconds(3));
            assertThat(deployment.executions.count(key)).isZero();
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isEqualTo(1);
            assertThat(app.listener().failedCalls(StoreOperation.CLAIM)).isEqualTo(1);

            deployment.proxy.heal();
            HttpResponse<String> recovered = Poll.until(RECOVERY, "a 201 after the store came back",
                    () -> app.post(key), response -> response.statusCode() != 503);

            assertThat(recovered.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(recovered)).isFalse();
            assertThat(deployment.executions.count(key)).isEqualTo(1);
            assertThat(app.post(key).body()).isEqualTo(recovered.body());
            assertThat(deployment.executions.count(key)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void failOpenRunsTheHandlerWithoutIdempotencyAndCountsIt(StoreKind kind) throws Exception {
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_OPEN, policy(Duration.ofSeconds(30)));
            assertThat(app.post(UUID.randomUUID().toString()).statusCode()).isEqualTo(201);
            String key = UUID.randomUUID().toString();

            deployment.proxy.cut();
            HttpResponse<String> unguarded = app.post(key);

            assertThat(unguarded.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(unguarded)).isFalse();
            assertThat(deployment.executions.count(key)).isEqualTo(1);
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isEqualTo(1);

            // Nothing was stored while failing open, so once the store is back the same key runs the
            // handler again: what failing open costs, and why each unguarded run is counted.
            deployment.proxy.heal();
            Poll.until(RECOVERY, "the store answering again",
                    () -> app.post(UUID.randomUUID().toString()),
                    probe -> app.listener().count(Outcome.NEW) >= 2);
            HttpResponse<String> afterOutage = app.post(key);
            assertThat(afterOutage.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(afterOutage)).isFalse();
            assertThat(app.post(key).body()).isEqualTo(afterOutage.body());
            assertThat(deployment.executions.count(key)).isEqualTo(2);
            // Every run of the handler was either guarded by a claim (new) or counted (store_error).
            assertThat(deployment.executions.total())
                    .isEqualTo(app.listener().count(Outcome.NEW) + app.listener().count(Outcome.STORE_ERROR));
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anOutageWhileTheHandlerRunsShorterThanTheLeaseLeavesTheClaimHeld(StoreKind kind) throws Exception {
        Duration lease = Duration.ofSeconds(6);
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy(lease));
            AppInstance other = deployment.instance("b", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy(lease));
            String key = UUID.randomUUID().toString();
            Executions.Gate gate = deployment.executions.hold();
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> app.post(key));
            gate.awaitEntered();

            deployment.proxy.cut();
            Poll.until(lease, "a failed lease renewal", () -> app.listener().failedCalls(StoreOperation.RENEW), n -> n > 0);
            deployment.proxy.heal();
            long renewedBefore = app.listener().succeededCalls(StoreOperation.RENEW);
            Poll.until(lease, "a lease renewal after the store came back",
                    () -> app.listener().succeededCalls(StoreOperation.RENEW), n -> n > renewedBefore);
            HttpResponse<String> duplicate = Poll.until(RECOVERY, "the other instance reaching the store",
                    () -> other.post(key), response -> response.statusCode() != 503);
            assertThat(duplicate.statusCode()).isEqualTo(409);
            gate.open();

            HttpResponse<String> original = first.get(30, TimeUnit.SECONDS);
            assertThat(original.statusCode()).isEqualTo(201);
            HttpResponse<String> retry = other.post(key);
            assertThat(retry.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(retry)).isTrue();
            assertThat(retry.body()).isEqualTo(original.body());
            assertThat(deployment.executions.count(key)).isEqualTo(1);
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isZero();
        }
    }

    /**
     * The limit of lease renewal: when the store is away for longer than the lease while a handler
     * runs, the store lets the claim expire, and a retry after the outage runs the handler again.
     * The first run's response is then not stored (its claim is gone), and that is reported.
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anOutageLongerThanTheLeaseWhileTheHandlerRunsLetsARetryRunItAgainAndSaysSo(StoreKind kind) throws Exception {
        Duration lease = Duration.ofSeconds(2);
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy(lease));
            AppInstance other = deployment.instance("b", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy(lease));
            String key = UUID.randomUUID().toString();
            Executions.Gate gate = deployment.executions.hold();
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> app.post(key));
            gate.awaitEntered();

            deployment.proxy.cut();
            Poll.until(lease.plus(RECOVERY), "the claim expiring in the store", deployment.namespace::states,
                    states -> !states.contains("claim"));
            deployment.proxy.heal();
            HttpResponse<String> second = Poll.until(RECOVERY, "the retry running the handler",
                    () -> other.post(key), response -> response.statusCode() != 503);
            gate.open();
            HttpResponse<String> original = first.get(30, TimeUnit.SECONDS);

            assertThat(second.statusCode()).isEqualTo(201);
            assertThat(original.statusCode()).isEqualTo(201);
            assertThat(deployment.executions.count(key)).isEqualTo(2);
            assertThat(app.listener().count(Outcome.NOT_STORED) + app.listener().count(Outcome.STORE_ERROR))
                    .as("the first run's response reported as not stored").isEqualTo(1);
            assertThat(other.post(key).body()).isEqualTo(second.body());
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aFailedCompleteIsCountedAndStoredWhenTheStoreComesBackWithinTheLease(StoreKind kind) throws Exception {
        Duration lease = RECOVERY.plusSeconds(10); // the store comes back well within the lease
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy(lease));
            String key = UUID.randomUUID().toString();
            Executions.Gate gate = deployment.executions.hold();
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> app.post(key));
            gate.awaitEntered();

            deployment.proxy.cut();
            gate.open();
            HttpResponse<String> original = first.get(30, TimeUnit.SECONDS);

            // The client has its response; storing it failed, visibly.
            assertThat(original.statusCode()).isEqualTo(201);
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isEqualTo(1);
            assertThat(app.listener().completeFailuresByKey().get(key)).isPositive();

            deployment.proxy.heal();
            List<Integer> whileStoring = new ArrayList<>();
            HttpResponse<String> replay = Poll.until(RECOVERY, "the response being stored after the outage", () -> {
                HttpResponse<String> response = app.post(key);
                whileStoring.add(response.statusCode());
                return response;
            }, Http::replayed);

            // The engine kept trying to store the response; once the store was back, retries get
            // the original, and the handler never ran a second time.
            assertThat(whileStoring.subList(0, whileStoring.size() - 1)).allMatch(status -> status == 409 || status == 503);
            assertThat(replay.statusCode()).isEqualTo(201);
            assertThat(replay.body()).isEqualTo(original.body());
            assertThat(deployment.executions.count(key)).isEqualTo(1);
        }
    }

    static EndpointPolicy policy(Duration lease) {
        return EndpointPolicy.builder().keyRequired(true).lease(lease).build();
    }
}
