package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.StoreFailureMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lettuce retries, after it reconnects, every command that was sent but not answered when the
 * connection broke (its default at-least-once mode). A store script that Redis already ran may
 * so run twice; the second run must not change the outcome.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResentCommandTest {

    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aClaimRunTwiceBecauseItsReplyWasLostIsStillTheCallersClaim() throws Exception {
        try (Deployment deployment = Deployment.of(StoreKind.REDIS)) {
            AppInstance app = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED,
                    EndpointPolicy.builder().keyRequired(true).build());
            assertThat(app.post(UUID.randomUUID().toString()).statusCode()).isEqualTo(201);
            String key = UUID.randomUUID().toString();

            deployment.proxy.delay(Duration.ofMinutes(1));
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> app.post(key));
            Poll.until(STORE_TIMEOUT, "the claim reaching Redis", deployment.namespace::states,
                    states -> states.contains("claim"));
            deployment.proxy.cut();
            deployment.proxy.delay(Duration.ZERO);
            deployment.proxy.heal();
            HttpResponse<String> response = first.get(30, TimeUnit.SECONDS);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            assertThat(deployment.executions.count(key)).isEqualTo(1);
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isZero();
        }
    }

    @Test
    void aCompleteRunTwiceBecauseItsReplyWasLostIsReportedStored() throws Exception {
        try (Deployment deployment = Deployment.of(StoreKind.REDIS)) {
            AppInstance app = deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED,
                    EndpointPolicy.builder().keyRequired(true).build());
            String key = UUID.randomUUID().toString();
            Executions.Gate gate = deployment.executions.hold();
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> app.post(key));
            gate.awaitEntered();

            deployment.proxy.delay(Duration.ofMinutes(1));
            gate.open();
            Poll.until(STORE_TIMEOUT, "the response reaching Redis", deployment.namespace::states,
                    states -> states.equals(List.of("record")));
            deployment.proxy.cut();
            deployment.proxy.delay(Duration.ZERO);
            deployment.proxy.heal();
            HttpResponse<String> original = first.get(30, TimeUnit.SECONDS);
            HttpResponse<String> retry = app.post(key);

            assertThat(original.statusCode()).isEqualTo(201);
            assertThat(app.listener().count(Outcome.NOT_STORED)).as("responses reported not stored").isZero();
            assertThat(app.listener().count(Outcome.STORE_ERROR)).isZero();
            assertThat(Http.replayed(retry)).isTrue();
            assertThat(retry.body()).isEqualTo(original.body());
            assertThat(deployment.executions.count(key)).isEqualTo(1);
        }
    }
}
