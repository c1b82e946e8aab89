package io.github.idempotency.client.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.client.AttemptsFailedException;
import io.github.idempotency.client.IdempotentRetries;
import io.github.idempotency.client.RetryPolicy;
import io.github.idempotency.client.demo.FaultyProxy.Exchange;
import io.github.idempotency.client.demo.FaultyProxy.Fault;
import io.github.idempotency.client.demo.FaultyProxy.FaultRule;
import io.github.idempotency.client.jdk.IdempotentHttpClient;
import io.github.idempotency.client.jdk.IdempotentResponse;
import io.github.idempotency.examples.servlet.DemoServer;
import io.github.idempotency.examples.servlet.DemoSettings;
import io.github.idempotency.examples.servlet.PaymentProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK client's retries against the servlet demo (embedded Jetty, the filter, the in-memory store)
 * over real HTTP, through a {@link FaultyProxy} that records the keys the server received.
 */
class ServletDemoRetriesTest {

    private static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";
    private static final String ALICE = "Basic " + Base64.getEncoder()
            .encodeToString("alice:alice-pass".getBytes(StandardCharsets.UTF_8));
    private static final Pattern PAYMENT_ID = Pattern.compile("\"id\"\\s*:");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger processed = new AtomicInteger();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private DemoServer demo;
    private FaultyProxy proxy;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    private void start(FaultRule rule, PaymentProcessor processor) throws Exception {
        demo = new DemoServer(new DemoSettings(0, Duration.ZERO, DemoSettings.StoreKind.MEMORY,
                DemoSettings.DEFAULT_REDIS_URL, DemoSettings.DEFAULT_JDBC_URL, Optional.empty()), payment -> {
                    processor.process(payment);
                    processed.incrementAndGet();
                });
        started.push(demo);
        demo.start();
        proxy = FaultyProxy.start(demo.port(), rule);
        started.push(proxy);
    }

    private void start(FaultRule rule) throws Exception {
        start(rule, payment -> { });
    }

    /** A client whose waits are recorded, not slept: the server has answered before the proxy drops it. */
    private IdempotentHttpClient client(RetryPolicy policy) {
        return IdempotentHttpClient.of(http, IdempotentRetries.builder().policy(policy).sleeper(sleeper).build());
    }

    private HttpRequest.Builder payment(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/payments"))
                .header("Authorization", ALICE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private int paymentsOnTheServer() throws Exception {
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/payments"))
                .header("Authorization", ALICE).GET().build(), BodyHandlers.ofString()).body();
        return (int) PAYMENT_ID.matcher(list).results().count();
    }

    @Test
    void aResponseLostAfterTheServerProcessedTheRequestIsReplayedOnTheRetry() throws Exception {
        start(FaultRule.on(Fault.DROP_RESPONSE, 1));

        IdempotentResponse<String> answer = client(RetryPolicy.defaults()).send(payment(PAYMENT).build(),
                BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.attempts()).isEqualTo(2);
        assertThat(answer.replayed()).isTrue();
        assertThat(proxy.exchanges()).extracting(Exchange::key).containsExactly(answer.key(), answer.key());
        assertThat(proxy.exchanges()).extracting(Exchange::status).containsExactly(201, 201);
        assertThat(paymentsOnTheServer()).isEqualTo(1);
        assertThat(processed).hasValue(1);
    }

    @Test
    void twoHundredOperationsWithThirtyPercentOfResponsesDroppedMakeExactlyTwoHundredPayments() throws Exception {
        start(FaultRule.randomly(Fault.DROP_RESPONSE, 0.3, 16));
        IdempotentHttpClient client = client(RetryPolicy.builder().maxAttempts(10).build());
        int operations = 200;
        int retries = 0;
        int replays = 0;

        for (int i = 0; i < operations; i++) {
            IdempotentResponse<String> answer = client.send(payment(PAYMENT).build(), BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(201);
            assertThat(answer.replayed()).isEqualTo(answer.attempts() > 1);
            retries += answer.attempts() - 1;
            replays += answer.replayed() ? 1 : 0;
        }

        long dropped = proxy.count(Fault.DROP_RESPONSE);
        int payments = paymentsOnTheServer();
        System.out.printf("%d operations: %d of %d responses dropped, %d retries, %d replays, %d payments%n",
                operations, dropped, proxy.exchanges().size(), retries, replays, payments);
        assertThat(dropped).as("about 30 %% of the responses").isBetween(40L, 100L);
        assertThat(retries).as("one retry per dropped response").isEqualTo((int) dropped);
        assertThat(payments).isEqualTo(operations);
        assertThat(processed).hasValue(operations);
        Map<String, Long> attemptsPerKey = proxy.exchanges().stream()
                .collect(Collectors.groupingBy(Exchange::key, Collectors.counting()));
        assertThat(attemptsPerKey).as("one key per operation").hasSize(operations);
        assertThat(attemptsPerKey.values().stream().mapToLong(Long::longValue).sum())
                .as("every attempt of an operation carried its key").isEqualTo(operations + dropped);
    }

    @Test
    void aSlowFirstAttemptMakesTheRetryWaitForTheServersRetryAfterAndThenGetTheReplay() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(FaultRule.none(), payment -> {
            if (!release.await(FaultyProxy.patience().toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the first payment finish");
            }
        });
        // The first attempt times out while the payment runs; the second gets 409 with Retry-After: 1.
        // When the client then waits, the payment is let go and the wait lasts until its response is out.
        sleeper.during(2, () -> {
            release.countDown();
            proxy.awaitExchanges(2, FaultyProxy.patience());
        });
        IdempotentHttpClient client = client(RetryPolicy.defaults());

        IdempotentResponse<String> answer = client.send(payment(PAYMENT).timeout(Duration.ofSeconds(1)).build(),
                BodyHandlers.ofString());

        assertThat(answer).extracting(IdempotentResponse::statusCode, IdempotentResponse::replayed,
                IdempotentResponse::attempts).containsExactly(201, true, 3);
        assertThat(sleeper.waits().get(1)).as("the server's Retry-After").isEqualTo(Duration.ofSeconds(1));
        assertThat(proxy.statuses(answer.key())).containsExactly(409, 201, 201).hasSize(proxy.exchanges().size());
        assertThat(processed).hasValue(1);
        assertThat(paymentsOnTheServer()).isEqualTo(1);
    }

    @Test
    void theDemosOwn400IsNeverRetried() throws Exception {
        start(FaultRule.none());

        IdempotentResponse<String> answer = client(RetryPolicy.defaults()).send(payment("{\"amount\": 1250}").build(),
                BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.attempts()).isEqualTo(1);
        assertThat(proxy.exchanges()).hasSize(1);
    }

    @Test
    void aKeyReusedForAnotherPaymentIs422AndNeverRetried() throws Exception {
        start(FaultRule.none());
        IdempotentHttpClient client = client(RetryPolicy.defaults());
        client.send(payment(PAYMENT).build(), BodyHandlers.ofString(), "order-1001");

        IdempotentResponse<String> reused = client.send(payment("{\"amount\": 99, \"currency\": \"EUR\"}").build(),
                BodyHandlers.ofString(), "order-1001");

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.attempts()).isEqualTo(1);
        assertThat(proxy.exchanges()).extracting(Exchange::status).containsExactly(201, 422);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void a503IsRetriedAfterItsRetryAfterAndWithinTheBound() throws Exception {
        start(FaultRule.on(Fault.ANSWER_503, 1, 2, 4, 5, 6));
        IdempotentHttpClient client = client(RetryPolicy.builder().maxAttempts(3).build());

        IdempotentResponse<String> through = client.send(payment(PAYMENT).build(), BodyHandlers.ofString());
        IdempotentResponse<String> exhausted = client.send(payment(PAYMENT).build(), BodyHandlers.ofString());

        assertThat(through.statusCode()).isEqualTo(201);
        assertThat(through.attempts()).isEqualTo(3);
        assertThat(through.replayed()).isFalse();
        assertThat(exhausted.statusCode()).isEqualTo(503);
        assertThat(exhausted.attempts()).isEqualTo(3);
        assertThat(sleeper.waits()).containsOnly(Duration.ofSeconds(1)).hasSize(4);
        assertThat(paymentsOnTheServer()).isEqualTo(1);
    }

    @Test
    void whenEveryResponseIsLostTheFailureSaysHowToRecover() throws Exception {
        start(FaultRule.randomly(Fault.DROP_RESPONSE, 1, 0));

        assertThatThrownBy(() -> client(RetryPolicy.builder().maxAttempts(3).build())
                .send(payment(PAYMENT).build(), BodyHandlers.ofString(), "order-2002"))
                .isInstanceOf(AttemptsFailedException.class)
                .hasMessageContaining("failed after 3 attempts")
                .hasMessageContaining("retry later with the same key");
        assertThat(processed).as("the first attempt did the work, the others were replays").hasValue(1);

        proxy.close();
        proxy = FaultyProxy.start(demo.port(), FaultRule.none());
        started.push(proxy);
        IdempotentResponse<String> later = client(RetryPolicy.defaults()).send(payment(PAYMENT).build(),
                BodyHandlers.ofString(), "order-2002");
        assertThat(later.replayed()).isTrue();
        assertThat(paymentsOnTheServer()).isEqualTo(1);
    }
}
