package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.examples.servlet.DemoServer;
import io.github.idempotency.examples.servlet.DemoSettings;
import io.github.idempotency.examples.servlet.PaymentProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The instance holding a claim dies: the servlet demo runs in a JVM of its own on Redis, then on
 * PostgreSQL, with a 2 s lease and a payment that takes a minute; while a payment is in the
 * handler the process is killed with SIGKILL. A second instance (the demo in process, on the same
 * store) answers the retry with {@code 409} until the dead holder's lease runs out, then charges
 * the payment exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashedHolderTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final String AUTHORIZATION = PrincipalIsolationTest.basic("alice", "alice-pass");

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aRetryAfterTheHolderWasKilledRunsThePaymentOnceWhenTheLeaseRunsOut(StoreKind kind) throws Exception {
        kind.requireRunning();
        String key = UUID.randomUUID().toString();
        EntryKey entry = DemoEntries.of("alice", key);
        AtomicInteger chargedBySurvivor = new AtomicInteger();
        DemoSettings settings = new DemoSettings(0, Duration.ZERO, demoStore(kind), DemoSettings.DEFAULT_REDIS_URL,
                DemoSettings.DEFAULT_JDBC_URL, Optional.of(LEASE));
        try (DemoProcess doomed = DemoProcess.start(Map.of(
                        "IDEMPOTENCY_STORE", demoStore(kind).value(),
                        "IDEMPOTENCY_LEASE_MS", Long.toString(LEASE.toMillis()),
                        "PAYMENTS_PROCESSING_DELAY_MS", "60000"), "crash-" + kind);
                DemoServer survivor = new DemoServer(settings, payment -> chargedBySurvivor.incrementAndGet())) {
            survivor.start();
            CompletableFuture<HttpResponse<String>> lost = CompletableFuture.supplyAsync(() -> pay(doomed.port(), key));
            Poll.until(Duration.ofSeconds(30), "the doomed instance claiming the key", () -> DemoEntries.state(kind, entry),
                    state -> state.isPresent());
            assertThat(DemoEntries.state(kind, entry)).hasValueSatisfying(state -> assertThat(state).isEqualToIgnoringCase("claim"));
            assertThat(pay(survivor.port(), key).statusCode()).isEqualTo(409);

            doomed.kill();
            long killed = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> charged = Poll.until(LEASE.plusSeconds(20), "the key being free again", () -> {
                HttpResponse<String> response = pay(survivor.port(), key);
                statuses.add(response.statusCode());
                return response;
            }, response -> response.statusCode() != 409);
            Duration blocked = Duration.ofNanos(System.nanoTime() - killed);

            assertThat(lost).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class);
            assertThat(statuses.get(0)).as("the first retry after the kill").isEqualTo(409);
            assertThat(charged.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(charged)).isFalse();
            assertThat(blocked).isLessThan(LEASE.plusSeconds(10));
            assertThat(chargedBySurvivor).hasValue(1);
            String paymentId = charged.body().substring(7, 43);
            assertThat(list(survivor.port()).body()).containsOnlyOnce("\"id\"").contains(paymentId);
            HttpResponse<String> replay = pay(survivor.port(), key);
            assertThat(Http.replayed(replay)).isTrue();
            assertThat(replay.body()).isEqualTo(charged.body());
            assertThat(chargedBySurvivor).hasValue(1);
        } finally {
            DemoEntries.delete(kind, entry);
        }
    }

    private static DemoSettings.StoreKind demoStore(StoreKind kind) {
        return kind == StoreKind.REDIS ? DemoSettings.StoreKind.REDIS : DemoSettings.StoreKind.POSTGRESQL;
    }

    private static HttpResponse<String> pay(int port, String key) {
        try {
            return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payments"))
                    .header("Authorization", AUTHORIZATION)
                    .header("Idempotency-Key", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(AppInstance.PAYMENT)));
        } catch (Exception e) {
            throw new IllegalStateException("no response from port " + port, e);
        }
    }

    private static HttpResponse<String> list(int port) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payments"))
                .header("Authorization", AUTHORIZATION));
    }
}
