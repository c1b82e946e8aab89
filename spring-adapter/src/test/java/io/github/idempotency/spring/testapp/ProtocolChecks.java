package io.github.idempotency.spring.testapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The idempotency protocol over real HTTP against {@link ProtocolTestApplication} on an embedded
 * Tomcat at a random port: the checks every Spring web stack passes ({@link HttpProtocolChecks})
 * and those of Spring MVC's handler shapes. Subclassed once per Spring Boot line the adapter
 * supports; nothing here depends on the line.
 */
@SpringBootTest(classes = ProtocolTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoint.health.show-components=always",
            "management.endpoints.web.exposure.include=health,idempotency"})
public abstract class ProtocolChecks extends HttpProtocolChecks {

    @Autowired
    Gates gates;

    @Test
    void endpointWithoutTheAnnotationIsUntouched() throws Exception {
        String text = unique("note");
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = send(post("/notes", "alice", text).header("Idempotency-Key", key));
        HttpResponse<byte[]> second = send(post("/notes", "alice", text).header("Idempotency-Key", key));

        assertThat(text(first)).endsWith("buffered false run 1");
        assertThat(text(second)).endsWith("buffered false run 2");
        assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void actuatorReportsTheStoresHealth() throws Exception {
        HttpResponse<byte[]> health = send(HttpRequest.newBuilder(uri("/actuator/health/idempotencyStore"))
                .header("Authorization", basic("alice")));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(text(health)).contains("\"status\":\"UP\"");
    }

    @Test
    void theOpenApiDocumentDescribesOperationsGuardedFromTheInterfaceTheControllerImplements() throws Exception {
        JsonNode document = openApiDocument();

        assertDocumentsIdempotency(document.at("/paths/~1invoices/post"), false, "48h");
        JsonNode payments = document.at("/paths/~1invoices~1{id}~1payments");
        assertDocumentsIdempotency(payments.path("post"), true, "24h", "409");
        assertThat(payments.at("/post/responses/409/description").asText()).isEqualTo("The invoice is already paid");
        assertNotDocumented(payments.path("get"));
    }

    // ---- never twice: every handler shape

    static List<Shape> handlerShapes() {
        return List.of(
                new Shape("sync", "POST", "/shapes/sync", JSON, false),
                new Shape("Callable", "POST", "/shapes/callable", JSON, false),
                new Shape("DeferredResult", "POST", "/shapes/deferred-result", JSON, false),
                new Shape("CompletableFuture", "POST", "/shapes/completable-future", JSON, false),
                new Shape("WebAsyncTask", "POST", "/shapes/web-async-task", JSON, false),
                new Shape("response over the stored-body limit", "POST", "/shapes/large", JSON, false),
                new Shape("multipart with @RequestPart", "POST", "/shapes/multipart",
                        "multipart/form-data; boundary=" + BOUNDARY, false),
                new Shape("form POST", "POST", "/shapes/form", FORM, false),
                new Shape("form PATCH, chunked", "PATCH", "/shapes/form", FORM, true),
                new Shape("getReader, chunked", "POST", "/shapes/reader", "text/plain", true),
                new Shape("SseEmitter", "POST", "/shapes/sse", JSON, false),
                new Shape("StreamingResponseBody", "POST", "/shapes/streaming", JSON, false));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("handlerShapes")
    void everyHandlerShapeRunsOnceAnswers409WhileItRunsAndIsReplayedAfter(Shape shape) throws Exception {
        assertRunsOnceAnswers409WhileItRunsAndIsReplayedAfter(shape, gates);
    }

    @Test
    void multipartPartsAndFieldsReachTheHandlerAndAnotherFileIs422() throws Exception {
        String item = unique("scan");
        String key = UUID.randomUUID().toString();
        Shape multipart = handlerShapes().get(6);
        String other = multipart.body(item).replace("binary", "BINARY");

        HttpResponse<byte[]> first = send(shapeRequest(multipart, item, key));
        HttpResponse<byte[]> otherFile = send(post("/shapes/multipart", "alice", other)
                .setHeader("Content-Type", multipart.contentType()).header("Idempotency-Key", key));

        assertThat(text(first)).endsWith(" file=scan.bin:8:" + java.util.Arrays.hashCode("\u0000\u0001binary".getBytes(StandardCharsets.UTF_8)));
        assertProblem(otherFile, 422, "idempotency-key-reused");
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void anAsyncTimeoutKeepsTheKeyWhileTheHandlersWorkMayStillRun() throws Exception {
        String item = unique("clock");
        String key = UUID.randomUUID().toString();
        Gate held = gates.named(item);
        try {
            HttpResponse<byte[]> first = send(post("/orders/async-timeout", "alice", order(item, 1))
                    .header("Idempotency-Key", key).header("X-Hold", item));
            HttpResponse<byte[]> retry = send(post("/orders/async-timeout", "alice", order(item, 1))
                    .header("Idempotency-Key", key).header("X-Hold", item));

            assertThat(first.statusCode()).as("Spring's answer to the timeout").isGreaterThanOrEqualTo(500);
            assertProblem(retry, 409, "request-in-progress");
            assertThat(executions.of(item)).isEqualTo(1);
        } finally {
            held.open();
        }
    }

    @Test
    void aClientThatResetsTheConnectionMidBodyDoesNotFreeTheKey() throws Exception {
        String item = unique("film");
        String key = UUID.randomUUID().toString();
        String body = "{\"item\":\"" + item + "\"}";
        resetMidBody("/shapes/huge", key, body);

        HttpResponse<byte[]> retry = send(post("/shapes/huge", "alice", body).header("Idempotency-Key", key)); // waits

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Idempotent-Body-Omitted")).hasValue(Integer.toString(16 * 1024 * 1024));
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void aHandlerUnderTwoInterceptorsIsGuardedOnce() throws Exception {
        String item = unique("sofa");
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = send(post("/orders/twice", "alice", order(item, 1)).header("Idempotency-Key", key));
        HttpResponse<byte[]> retry = send(post("/orders/twice", "alice", order(item, 1)).header("Idempotency-Key", key));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(executions.of(item)).isEqualTo(1);
    }
}
