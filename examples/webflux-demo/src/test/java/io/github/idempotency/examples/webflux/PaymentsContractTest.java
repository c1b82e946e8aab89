package io.github.idempotency.examples.webflux;

import static io.github.idempotency.examples.webflux.PaymentsClient.PAYMENT;
import static io.github.idempotency.examples.webflux.PaymentsClient.idOf;
import static io.github.idempotency.examples.webflux.PaymentsClient.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The demo contract over real HTTP, as any client of the example apps sees it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PaymentsContractTest {

    @Value("${local.server.port}")
    int port;

    private PaymentsClient client;

    @BeforeEach
    void connect() {
        client = new PaymentsClient(port);
    }

    @Test
    void createsAPaymentWith201AndLocation() throws Exception {
        HttpResponse<String> response = client.send(client.post("alice", PAYMENT, key()));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).contains("\"amount\":1250", "\"currency\":\"EUR\"", "\"id\":\"");
        assertThat(response.headers().firstValue("Location")).hasValue("/payments/" + idOf(response));
    }

    @Test
    void retryReplaysTheFirstPaymentAndCreatesNoSecond() throws Exception {
        String key = key();

        HttpResponse<String> first = client.send(client.post("alice", PAYMENT, key));
        HttpResponse<String> retry = client.send(client.post("alice", PAYMENT, key));

        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(client.send(client.get("alice")).body().split(idOf(first), -1)).hasSize(2);
    }

    @Test
    void sameKeyWithAnotherAmountIs422() throws Exception {
        String key = key();
        client.send(client.post("alice", PAYMENT, key));

        HttpResponse<String> reused = client.send(client.post("alice", "{\"amount\": 99, \"currency\": \"EUR\"}", key));

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void missingKeyIs400() throws Exception {
        HttpResponse<String> response = client.send(client.post("alice", PAYMENT));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("missing-idempotency-key");
    }

    @Test
    void invalidPaymentIsTheAppsOwn400() throws Exception {
        HttpResponse<String> response = client.send(client.post("alice", "{\"amount\": 1250}", key()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void anonymousCallsGet401() throws Exception {
        HttpResponse<String> create = client.send(HttpRequest.newBuilder(client.uri())
                .header("Content-Type", "application/json").header("Idempotency-Key", key())
                .POST(HttpRequest.BodyPublishers.ofString(PAYMENT)));
        HttpResponse<String> list = client.send(HttpRequest.newBuilder(client.uri()).GET());

        assertThat(create.statusCode()).isEqualTo(401);
        assertThat(list.statusCode()).isEqualTo(401);
    }

    @Test
    void keysAndPaymentsAreScopedPerUser() throws Exception {
        String key = key();

        HttpResponse<String> alice = client.send(client.post("alice", PAYMENT, key));
        HttpResponse<String> bob = client.send(client.post("bob", PAYMENT, key));

        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(bob.body()).isNotEqualTo(alice.body());
        HttpResponse<String> bobsList = client.send(client.get("bob"));
        assertThat(bobsList.statusCode()).isEqualTo(200);
        assertThat(bobsList.body()).contains(idOf(bob)).doesNotContain(idOf(alice));
    }
}
