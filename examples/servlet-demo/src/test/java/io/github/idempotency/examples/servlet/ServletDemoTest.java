package io.github.idempotency.examples.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The demo contract, against the demo's own server on a free port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServletDemoTest {

    private static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";

    private final GatedProcessor processor = new GatedProcessor();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private DemoServer server;

    /** Processes at once, or holds the payment until the test releases it. */
    private static final class GatedProcessor implements PaymentProcessor {
        private volatile CountDownLatch entered;
        private volatile CountDownLatch release;

        void hold() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        @Override
        public void process(Payment payment) throws InterruptedException {
            CountDownLatch gate = release;
            if (gate != null) {
                entered.countDown();
                assertThat(gate.await(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @BeforeAll
    void start() throws Exception {
        server = new DemoServer(DemoSettings.fromEnvironment(Map.of("PORT", "0")), processor);
        server.start();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aPaymentIsCreatedOnceAndItsRetryReplaysTheSameResponse() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> created = send(post("alice", key, PAYMENT));
        HttpResponse<String> retry = send(post("alice", key, PAYMENT));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).matches("\\{\"id\":\"pay_[0-9a-f]{32}\",\"amount\":1250,\"currency\":\"EUR\"}");
        String id = created.body().substring(7, 43);
        assertThat(created.headers().firstValue("Location")).contains("/payments/" + id);
        assertThat(created.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(created.body());
        assertThat(retry.headers().firstValue("Location")).isEqualTo(created.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(send(get("alice", "/payments")).body()).containsOnlyOnce(id);
        assertThat(send(get("alice", "/payments/" + id)).body()).isEqualTo(created.body());
    }

    @Test
    void theSameKeyWithAnotherPaymentIs422() throws Exception {
        String key = UUID.randomUUID().toString();
        send(post("alice", key, PAYMENT));
        HttpResponse<String> reused = send(post("alice", key, "{\"amount\": 99, \"currency\": \"EUR\"}"));

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void aRetryWhileTheFirstIsProcessingIs409ThenReplays() throws Exception {
        String key = UUID.randomUUID().toString();
        processor.hold();
        CountDownLatch entered = processor.entered;
        CountDownLatch release = processor.release;
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(post("bob", key, PAYMENT),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> duplicate = send(post("bob", key, PAYMENT));
        processor.release = null;
        release.countDown();

        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> created = first.get(30, TimeUnit.SECONDS);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(send(post("bob", key, PAYMENT)).body()).isEqualTo(created.body());
    }

    @Test
    void keysAreScopedPerUser() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> alice = send(post("alice", key, PAYMENT));
        HttpResponse<String> bob = send(post("bob", key, PAYMENT));

        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(bob.body()).isNotEqualTo(alice.body());
        String alicesId = alice.body().substring(7, 43);
        assertThat(send(get("bob", "/payments")).body()).doesNotContain(alicesId);
        assertThat(send(get("bob", "/payments/" + alicesId)).statusCode()).isEqualTo(404);
    }

    @Test
    void anonymousCallsAre401() throws Exception {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/payments"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PAYMENT)).build());
        HttpResponse<String> wrongPassword = send(HttpRequest.newBuilder(uri("/payments"))
                .header("Authorization", basic("alice", "bob-pass")).GET().build());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
    }

    @Test
    void aPostWithoutAKeyIs400() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/payments"))
                .header("Authorization", basic("alice", "alice-pass"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PAYMENT)).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("missing-idempotency-key");
    }

    @Test
    void invalidPaymentsGetTheAppsOwn400() throws Exception {
        HttpResponse<String> notJson = send(post("alice", UUID.randomUUID().toString(), "{amount"));
        HttpResponse<String> noCurrency = send(post("alice", UUID.randomUUID().toString(), "{\"amount\": 5}"));

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).isEqualTo("{\"error\":\"the body is not valid JSON\"}");
        assertThat(noCurrency.statusCode()).isEqualTo(400);
        assertThat(noCurrency.body()).contains("currency must be");
    }

    private HttpRequest post(String user, String key, String body) {
        return HttpRequest.newBuilder(uri("/payments"))
                .header("Authorization", basic(user, user + "-pass"))
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpRequest get(String user, String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", basic(user, user + "-pass")).GET().build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }
}
