package io.github.idempotency.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The demo contract over real HTTP, as any client of the example apps sees it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PaymentsContractTest {

    private static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Test
    void createsAPaymentWith201AndLocation() throws Exception {
        HttpResponse<String> response = send(post("alice", PAYMENT).header("Idempotency-Key", key()));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).contains("\"amount\":1250", "\"currency\":\"EUR\"", "\"id\":\"");
        String id = response.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        assertThat(response.headers().firstValue("Location")).hasValue("/payments/" + id);
    }

    @Test
    void retryReplaysTheFirstPaymentAndCreatesNoSecond() throws Exception {
        String key = key();

        HttpResponse<String> first = send(post("alice", PAYMENT).header("Idempotency-Key", key));
        HttpResponse<String> retry = send(post("alice", PAYMENT).header("Idempotency-Key", key));

        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        String id = first.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        assertThat(send(get("alice")).body().split(id, -1)).hasSize(2);
    }

    @Test
    void sameKeyWithAnotherAmountIs422() throws Exception {
        String key = key();
        send(post("alice", PAYMENT).header("Idempotency-Key", key));

        HttpResponse<String> reused = send(post("alice", "{\"amount\": 99, \"currency\": \"EUR\"}")
                .header("Idempotency-Key", key));

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void missingKeyIs400() throws Exception {
        HttpResponse<String> response = send(post("alice", PAYMENT));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("missing-idempotency-key");
    }

    @Test
    void invalidPaymentIsTheAppsOwn400() throws Exception {
        HttpResponse<String> response = send(post("alice", "{\"amount\": 1250}").header("Idempotency-Key", key()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void anonymousCallsGet401() throws Exception {
        HttpResponse<String> create = send(HttpRequest.newBuilder(uri()).header("Content-Type", "application/json")
                .header("Idempotency-Key", key()).POST(HttpRequest.BodyPublishers.ofString(PAYMENT)));
        HttpResponse<String> list = send(HttpRequest.newBuilder(uri()).GET());

        assertThat(create.statusCode()).isEqualTo(401);
        assertThat(list.statusCode()).isEqualTo(401);
    }

    @Test
    void keysAndPaymentsAreScopedPerUser() throws Exception {
        String key = key();

        HttpResponse<String> alice = send(post("alice", PAYMENT).header("Idempotency-Key", key));
        HttpResponse<String> bob = send(post("bob", PAYMENT).header("Idempotency-Key", key));

        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(bob.body()).isNotEqualTo(alice.body());
        String aliceId = alice.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String bobId = bob.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> bobsList = send(get("bob"));
        assertThat(bobsList.statusCode()).isEqualTo(200);
        assertThat(bobsList.body()).contains(bobId).doesNotContain(aliceId);
    }

    private HttpRequest.Builder post(String user, String body) {
        return authenticated(HttpRequest.newBuilder(uri()), user)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpRequest.Builder get(String user) {
        return authenticated(HttpRequest.newBuilder(uri()), user).GET();
    }

    private static HttpRequest.Builder authenticated(HttpRequest.Builder request, String user) {
        String credentials = user + ":" + user + "-pass";
        return request.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/payments");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }
}
