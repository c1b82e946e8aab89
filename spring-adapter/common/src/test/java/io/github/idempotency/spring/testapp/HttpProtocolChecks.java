package io.github.idempotency.spring.testapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
 * {@code /orders/out-of-stock}, and {@code /notes} without {@code @Idempotent}) with HTTP Basic
 * users alice and bob, the beans {@link Executions} and {@link Gate}, springdoc's
 * {@code /v3/api-docs} and the Actuator endpoint {@code idempotency} exposed.
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
    void actuatorShowsAStoredEntryWithoutItsBodyAndEvictsItSoThatTheRetryRunsTheHandlerAgain() throws Exception {
        String item = unique("lamp");
        String key = UUID.randomUUID().toString();
        HttpResponse<byte[]> first = send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key));
        assertThat(first.statusCode()).isEqualTo(201);
        URI entry = uri("/actuator/idempotency?principal=alice&method=POST&route=%2Forders&key=" + key);

        HttpResponse<byte[]> shown = send(HttpRequest.newBuilder(entry).header("Authorization", basic("alice")));

        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(text(shown))
                .contains("\"scope\":\"p5:alice4:POST/orders\"", "\"key\":\"" + key + "\"", "\"state\":\"COMPLETED\"",
                        "\"status\":201", "\"bodyBytes\":" + first.body().length, "\"expiresAt\":\"")
                .doesNotContain(item, first.headers().firstValue("Location").orElseThrow());

        HttpResponse<byte[]> evicted = send(HttpRequest.newBuilder(entry).header("Authorization", basic("alice")).DELETE());

        assertThat(evicted.statusCode()).isEqualTo(200);
        assertThat(text(evicted)).contains("\"evicted\":true");
        assertThat(send(HttpRequest.newBuilder(entry).header("Authorization", basic("alice"))).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> retry = send(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key));
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(executions.of(item)).isEqualTo(2);
    }

    @Test
    void actuatorAnswers400ForAnEntryItCannotName() throws Exception {
        HttpResponse<byte[]> noRoute = send(HttpRequest.newBuilder(uri("/actuator/idempotency?method=POST&key=k"))
                .header("Authorization", basic("alice")));

        assertThat(noRoute.statusCode()).isEqualTo(400);
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

    // ---- never twice: every handler shape

    /** One handler shape: how its request is sent. */
    public record Shape(String name, String method, String path, String contentType, boolean chunked) {
        @Override
        public String toString() {
            return name;
        }

        public String body(String item) {
            if (contentType.startsWith("multipart/")) {
                return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"item\"\r\n\r\n" + item + "\r\n"
                        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n\u0000\u0001binary\r\n--" + BOUNDARY + "--\r\n";
            }
            if (contentType.startsWith("application/x-www-form-urlencoded")) {
                return "item=" + item + "&quantity=3";
            }
            if (contentType.startsWith("text/plain")) {
                return item + "\nsecond line";
            }
            return "{\"item\":\"" + item + "\"}";
        }
    }

    protected static final String BOUNDARY = "shape-boundary-42";
    protected static final String FORM = "application/x-www-form-urlencoded";

    /**
     * One handler shape, held at its gate while a duplicate is sent: the duplicate gets {@code 409},
     * the original {@code 200} with the item and run 1 in its body, a retry the replay byte for
     * byte (for {@code /large}, the 2 MiB body omitted), and the handler ran once.
     *
     * @param shape the shape
     * @param gates the application's gates
     * @throws Exception if a request fails
     */
    protected void assertRunsOnceAnswers409WhileItRunsAndIsReplayedAfter(Shape shape, Gates gates) throws Exception {
        String item = unique("shape");
        String key = UUID.randomUUID().toString();
        Gate held = gates.named(item);
        CompletableFuture<HttpResponse<byte[]>> first = http.sendAsync(
                shapeRequest(shape, item, key).header("X-Hold", item).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(held.awaitEntered()).as("the first request reached the handler's work").isTrue();

        HttpResponse<byte[]> duplicate;
        try {
            duplicate = send(shapeRequest(shape, item, key));
        } finally {
            held.open();
        }
        HttpResponse<byte[]> original = first.get(30, TimeUnit.SECONDS);
        HttpResponse<byte[]> retry = send(shapeRequest(shape, item, key));

        assertProblem(duplicate, 409, "request-in-progress");
        assertThat(original.statusCode()).as(text(original)).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(original.headers().firstValue("Content-Type"));
        if (shape.path().endsWith("/large")) {
            assertThat(original.body()).hasSize(2 * 1024 * 1024);
            assertThat(retry.headers().firstValue("Idempotent-Body-Omitted")).hasValue(Integer.toString(2 * 1024 * 1024));
            assertThat(retry.headers().firstValue("X-Large")).hasValue("yes");
            assertThat(retry.body()).isEmpty();
        } else {
            assertThat(text(original)).contains("\"item\":\"" + item + "\",\"run\":1");
            assertThat(retry.body()).isEqualTo(original.body());
        }
        assertThat(executions.of(item)).as("handler runs").isEqualTo(1);
    }

    /**
     * @param shape the shape
     * @param item the item the body names
     * @param key the idempotency key
     * @return the shape's request as alice
     */
    protected HttpRequest.Builder shapeRequest(Shape shape, String item, String key) {
        byte[] body = shape.body(item).getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = shape.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return post(shape.path(), "alice", "").setHeader("Content-Type", shape.contentType())
                .header("Idempotency-Key", key).method(shape.method(), publisher);
    }

    /**
     * Sends {@code body} to {@code path} as alice on a raw socket with a small receive window, reads
     * the start of the response (a {@code 200}), then closes the connection with a reset, as a client
     * that gives up does.
     *
     * @param path the path
     * @param key the idempotency key
     * @param body the JSON body
     * @throws IOException if the connection fails
     */
    protected void resetMidBody(String path, String key, String body) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.setReceiveBufferSize(4096); // a small window: the server's writes block long before the end
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: " + basic("alice") + "\r\nIdempotency-Key: " + key + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] start = socket.getInputStream().readNBytes(8192);
            assertThat(new String(start, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            socket.setSoLinger(true, 0); // close with a reset, as a client that gives up does
        }
    }

    // ---- the OpenAPI document (springdoc)

    @Test
    void theOpenApiDocumentDescribesTheIdempotencyOfGuardedOperationsOnly() throws Exception {
        JsonNode document = openApiDocument();

        assertDocumentsIdempotency(document.at("/paths/~1orders/post"), true, "24h");
        assertThat(document.at("/components/schemas/Problem/properties/type/format").asText()).isEqualTo("uri");
        assertNotDocumented(document.at("/paths/~1notes/post"));
        assertThat(document.toString()).doesNotContain("x-idempotency");
    }

    /** @return {@code /v3/api-docs}, as alice */
    protected JsonNode openApiDocument() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/v3/api-docs")).header("Authorization", basic("alice")));
        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    /**
     * @param operation an operation of the document
     * @param keyRequired whether the key header is required
     * @param ttl the TTL as the description names it ({@code 24h})
     * @param declared statuses the application documented itself, kept as they are
     */
    protected static void assertDocumentsIdempotency(JsonNode operation, boolean keyRequired, String ttl,
            String... declared) {
        assertThat(operation.isMissingNode()).as("operation documented").isFalse();
        JsonNode key = keyParameter(operation);
        assertThat(key.isMissingNode()).as("Idempotency-Key parameter of %s", operation).isFalse();
        assertThat(key.path("required").asBoolean()).isEqualTo(keyRequired);
        assertThat(key.at("/schema/minLength").asInt()).isEqualTo(1);
        assertThat(key.at("/schema/maxLength").asInt()).isEqualTo(255);
        assertThat(key.at("/schema/type").toString()).contains("string");

        JsonNode responses = operation.path("responses");
        List<String> library = new ArrayList<>(List.of("400", "409", "413", "422", "503"));
        library.removeAll(List.of(declared));
        for (String status : library) {
            assertThat(responses.at("/" + status + "/content/application~1problem+json/schema/$ref").asText())
                    .as("response %s of %s", status, operation).isEqualTo("#/components/schemas/Problem");
        }
        for (String status : List.of("409", "503")) {
            if (library.contains(status)) {
                assertThat(responses.at("/" + status + "/headers/Retry-After/schema/type").toString()).contains("integer");
            }
        }
        assertThat(responses.at("/503/description").asText()).contains("/problems/idempotency-store-unavailable");
        assertThat(responses.at("/400/description").asText()).contains("invalid-idempotency-key");
        assertThat(responses.at("/400/description").asText().contains("missing-idempotency-key")).isEqualTo(keyRequired);
        List<String> successes = new ArrayList<>();
        responses.fieldNames().forEachRemaining(status -> {
            if (status.startsWith("2")) {
                successes.add(status);
                assertThat(responses.at("/" + status + "/headers/Idempotent-Replayed/schema/enum").toString())
                        .isEqualTo("[\"true\"]");
            }
        });
        assertThat(successes).isNotEmpty();
        assertThat(operation.path("description").asText())
                .contains("a retry with the same key within " + ttl + " gets the first response replayed")
                .contains("per caller");
    }

    /** @param operation an operation of the document that the library does not guard */
    protected static void assertNotDocumented(JsonNode operation) {
        assertThat(operation.isMissingNode()).as("operation documented").isFalse();
        assertThat(keyParameter(operation).isMissingNode()).isTrue();
        assertThat(operation.path("responses").has("422")).isFalse();
        assertThat(operation.toString()).doesNotContain("Idempotent-Replayed").doesNotContain("Idempotency-Key");
    }

    private static JsonNode keyParameter(JsonNode operation) {
        for (JsonNode parameter : operation.path("parameters")) {
            if ("Idempotency-Key".equals(parameter.path("name").asText()) && "header".equals(parameter.path("in").asText())) {
                return parameter;
            }
        }
        return MissingNode.getInstance();
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
