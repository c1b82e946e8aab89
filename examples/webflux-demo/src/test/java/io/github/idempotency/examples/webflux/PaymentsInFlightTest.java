package io.github.idempotency.examples.webflux;

import static io.github.idempotency.examples.webflux.PaymentsClient.PAYMENT;
import static io.github.idempotency.examples.webflux.PaymentsClient.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import reactor.netty.resources.LoopResources;

/** The demo with a one-second payment processor: a duplicate while the first request runs, and many payments at once. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "PAYMENTS_PROCESSING_DELAY_MS=" + PaymentsInFlightTest.DELAY_MS)
class PaymentsInFlightTest {

    static final long DELAY_MS = 1_000;

    @Value("${local.server.port}")
    int port;

    private PaymentsClient client;

    @BeforeEach
    void connect() {
        client = new PaymentsClient(port);
    }

    @Test
    void duplicateWhileTheFirstRunsIs409AndARetryAfterItIsReplayed() throws Exception {
        String key = key();
        CompletableFuture<HttpResponse<String>> one = client.sendAsync(client.post("alice", PAYMENT, key));
        CompletableFuture<HttpResponse<String>> other = client.sendAsync(client.post("alice", PAYMENT, key));

        HttpResponse<?> firstAnswer = (HttpResponse<?>) CompletableFuture.anyOf(one, other).join();
        boolean stillRunning = !(one.isDone() && other.isDone());
        HttpResponse<String> created = (one.join().statusCode() == 201 ? one : other).join();
        HttpResponse<String> retry = client.send(client.post("alice", PAYMENT, key));

        assertThat(firstAnswer.statusCode()).isEqualTo(409);
        assertThat(firstAnswer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(firstAnswer.headers().firstValue("Retry-After")).isPresent();
        assertThat(stillRunning).as("the other request still runs when the 409 arrives").isTrue();
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(created.body());
    }

    /**
     * Four payments per Reactor Netty event-loop thread at once: a processor that held its thread
     * (a {@code Thread.sleep}) would make them take four delays; waited for on a timer, they take one.
     */
    @Test
    void theProcessingDelayHoldsNoThread() {
        int payments = 4 * LoopResources.DEFAULT_IO_WORKER_COUNT;
        payAtOnce(payments); // the connections opened and the code warmed up

        Duration elapsed = payAtOnce(payments);

        assertThat(elapsed).isLessThan(Duration.ofMillis(3 * DELAY_MS));
    }

    /** @return how long {@code payments} payments sent at once took, each answered {@code 201} */
    private Duration payAtOnce(int payments) {
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < payments; i++) {
            responses.add(client.sendAsync(client.post("alice", PAYMENT, key())));
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).join();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(responses).allSatisfy(response -> assertThat(response.join().statusCode()).isEqualTo(201));
        return elapsed;
    }
}
