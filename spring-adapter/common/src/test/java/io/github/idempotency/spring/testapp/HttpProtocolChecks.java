package io.github.idempotency.spring.testapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The idempotency protocol over real HTTP, the same for every Spring web stack: subclassed by the
 * Spring MVC checks and the WebFlux checks, each a {@code @SpringBootTest} at a random port of a
 * test application that offers the same endpoints ({@code /orders}, {@code /orders/slow},
 * {@code /orders/out-of-stock}) with HTTP Basic users alice and bob, and the beans
 * {@link Executions} and {@link Gate}.
 */
public abstract class HttpProtocolChecks {

    protected static final String JSON = "application/json";

    protected final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    protected int port;

    @Autowired
    protected Executions executions;

    @Autowired
    protected Gate gate;

    @Autowired
    protected MeterRegistry meters;

    @Test
    void retryGetsTheFirstResponseReplayedByteForByte() throws Exception {
        String item = unique("book");
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = send(post("/orders", "alice", order(item, 2)).header("Idempotency-Key", key));
        HttpResponse<byte[]> retry = send(post("/orders", "alice", order(item, 2)).header("Idempotency-Key", key));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void sameKeyWithAnotherBodyIs422AndTheHandlerDoesNotRun() throws Exception {
        String item = unique("lamp");
        String key = UUID.randomUUID().toString();
        send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key));

        HttpResponse<byte[]> reused = send(post("/orders", "alice", order(item, 5)).header("Idempotency-Key", key));

        assertProblem(reused, 422, "idempotency-key-reused");
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void missingKeyIs400() throws Exception {
        String item = unique("pen");

        HttpResponse<byte[]> response = send(post("/orders", "alice", order(item, 1)));

        assertProblem(response, 400, "missing-idempotency-key");
        assertThat(executions.of(item)).isZero();
    }

    @Test
    void invalidKeyIs400() throws Exception {
        String item = unique("cup");

        HttpResponse<byte[]> tooLong = send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", "k".repeat(256)));
        HttpResponse<byte[]> twice = send(post("/orders", "alice", order(item, 1))
                .header("Idempotency-Key", "a").header("Idempotency-Key", "b"));

        assertProblem(tooLong, 400, "invalid-idempotency-key");
        assertProblem(twice, 400, "invalid-idempotency-key");
        assertThat(executions.of(item)).isZero();
    }

    @Test
    void duplicateWhileTheFirstRunsIs409AndTheHandlerRunsOnce() throws Exception {
        String item = unique("chair");
        String key = UUID.randomUUID().toString();
        CompletableFuture<HttpResponse<byte[]>> first = http.sendAsync(
                post("/orders/slow", "alice", order(item, 1)).header("Idempotency-Key", key).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gate.awaitEntered()).as("the first request reached the handler").isTrue();

        HttpResponse<byte[]> duplicate;
        try {
            duplicate = send(post("/orders/slow", "alice", order(item, 1)).header("Idempotency-Key", key));
        } finally {
            gate.open();
        }
        HttpResponse<byte[]> firstResponse = first.get(30, TimeUnit.SECONDS);
        HttpResponse<byte[]> retry = send(post("/orders/slow", "alice", order(item, 1)).header("Idempotency-Key", key));

        assertProblem(duplicate, 409, "request-in-progress");
        assertThat(duplicate.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(firstResponse.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(firstResponse.body());
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void exceptionHandlerBodyIsStoredAndReplayed() throws Exception {
        String item = unique("kettle");
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = send(post("/orders/out-of-stock", "alice", order(item, 1)).header("Idempotency-Key", key));
        HttpResponse<byte[]> retry = send(post("/orders/out-of-stock", "alice", order(item, 1)).header("Idempotency-Key", key));

        assertThat(first.statusCode()).isEqualTo(410);
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("\"run\":1");
        assertThat(retry.statusCode()).isEqualTo(410);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("X-Stock")).hasValue("none");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void validationErrorIsStoredAndReplayed() throws Exception {
        String key = UUID.randomUUID().toString();
        String invalid = "{\"item\":\"\",\"quantity\":0}";

        HttpResponse<byte[]> first = send(post("/orders", "alice", invalid).header("Idempotency-Key", key));
        HttpResponse<byte[]> retry = send(post("/orders", "alice", invalid).header("Idempotency-Key", key));

        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(first.body()).isNotEmpty();
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(400);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
        assertThat(retry.body()).isEqualTo(first.body());
    }

    @Test
    void anotherUserWithTheSameKeyRunsTheHandlerAndNeverSeesTheFirstResponse() throws Exception {
        String item = unique("desk");
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> alice = send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key));
        HttpResponse<byte[]> bob = send(post("/orders", "bob", order(item, 1)).header("Idempotency-Key", key));

        assertThat(alice.statusCode()).isEqualTo(201);
        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(text(bob)).contains("\"user\":\"bob\"").doesNotContain("alice");
        assertThat(executions.of(item)).isEqualTo(2);
    }

    @Test
    void anonymousRequestIsRejectedBySecurityBeforeTheLibrary() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/orders"))
                .header("Content-Type", JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(order(unique("mug"), 1))));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void decisionsAreCountedInMicrometer() throws Exception {
        double replayedBefore = meters.counter("idempotency.requests", "outcome", "replayed").count();
        String key = UUID.randomUUID().toString();
        String body = order(unique("plate"), 1);

        send(post("/orders", "alice", body).header("Idempotency-Key", key));
        send(post("/orders", "alice", body).header("Idempotency-Key", key));

        assertThat(meters.counter("idempotency.requests", "outcome", "replayed").count()).isEqualTo(replayedBefore + 1);
        assertThat(meters.find("idempotency.store.calls").tags("operation", "claim", "result", "success").timer())
                .isNotNull()
                .satisfies(timer -> assertThat(timer.count()).isPositive());
    }

    protected HttpRequest.Builder post(String path, String user, String body) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(java.time.Duration.ofSeconds(60))
                .header("Authorization", basic(user))
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    protected static String basic(String user) {
        String credentials = user + ":" + user + "-pass";
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    protected static String order(String item, int quantity) {
        return "{\"item\":\"" + item + "\",\"quantity\":" + quantity + "}";
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    protected static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    protected static void assertProblem(HttpResponse<byte[]> response, int status, String slug) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(text(response)).contains("\"type\":\"https://idempotency.github.io/problems/" + slug + "\"");
    }
}
