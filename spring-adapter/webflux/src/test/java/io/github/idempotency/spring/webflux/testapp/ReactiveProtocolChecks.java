package io.github.idempotency.spring.webflux.testapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.testapp.Gate;
import io.github.idempotency.spring.testapp.Gates;
import io.github.idempotency.spring.testapp.HttpProtocolChecks;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The idempotency protocol over real HTTP against {@link ReactiveProtocolTestApplication} on
 * Reactor Netty at a random port: the checks every Spring web stack passes
 * ({@link HttpProtocolChecks}) and those of WebFlux's response shapes, functional routes and
 * cancelled exchanges. Subclassed once per Spring Boot line; nothing here depends on the line.
 * BlockHound is installed for the whole test run (see the test resources), so a blocking call on
 * an event-loop thread fails the request that makes it.
 */
@SpringBootTest(classes = ReactiveProtocolTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ReactiveProtocolChecks extends HttpProtocolChecks {

    private static final String BOUNDARY = "shape-boundary-42";

    @Autowired
    Gates gates;

    @Test
    void endpointWithoutTheAnnotationIsUntouched() throws Exception {
        String text = unique("note");
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = send(post("/notes", "alice", text).header("Idempotency-Key", key));
        HttpResponse<byte[]> second = send(post("/notes", "alice", text).header("Idempotency-Key", key));

        assertThat(text(first)).endsWith(" run 1");
        assertThat(text(second)).endsWith(" run 2");
        assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    /** One reactive response shape: how its request is sent. */
    protected record Shape(String name, String path, String contentType, boolean chunked) {
        @Override
        public String toString() {
            return name;
        }

        String body(String item) {
            if (contentType.startsWith("multipart/")) {
                return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"item\"\r\n\r\n" + item + "\r\n"
                        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n\u0000\u0001binary\r\n--" + BOUNDARY + "--\r\n";
            }
            if (contentType.startsWith("application/x-www-form-urlencoded")) {
                return "item=" + item + "&quantity=3";
            }
            return "{\"item\":\"" + item + "\"}";
        }
    }

    static List<Shape> shapes() {
        return List.of(
                new Shape("Mono", "/shapes/mono", JSON, false),
                new Shape("Mono completing after 2 s", "/shapes/delayed", JSON, false),
                new Shape("Flux of 1,000 elements", "/shapes/flux", JSON, false),
                new Shape("Flux of server-sent events", "/shapes/sse", JSON, false),
                new Shape("response over the stored-body limit", "/shapes/large", JSON, false),
                new Shape("form, chunked", "/shapes/form", "application/x-www-form-urlencoded", true),
                new Shape("multipart with @RequestPart", "/shapes/multipart", "multipart/form-data; boundary=" + BOUNDARY, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void everyShapeRunsOnceAnswers409WhileItRunsAndIsReplayedAfter(Shape shape) throws Exception {
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
            assertThat(original.body()).hasSize(ReactiveShapeController.LARGE);
            assertThat(retry.headers().firstValue("Idempotent-Body-Omitted")).hasValue(Integer.toString(ReactiveShapeController.LARGE));
            assertThat(retry.headers().firstValue("X-Large")).hasValue("yes");
            assertThat(retry.body()).isEmpty();
        } else {
            assertThat(text(original)).contains("\"item\":\"" + item + "\",\"run\":1");
            assertThat(retry.body()).isEqualTo(original.body());
        }
        if (shape.path().endsWith("/flux")) {
            assertThat(text(original)).startsWith("[").contains("\"n\":999}]");
        }
        assertThat(executions.of(item)).as("handler runs").isEqualTo(1);
    }

    private HttpRequest.Builder shapeRequest(Shape shape, String item, String key) {
        byte[] body = shape.body(item).getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = shape.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return post(shape.path(), "alice", "").setHeader("Content-Type", shape.contentType())
                .header("Idempotency-Key", key).POST(publisher);
    }

    @Test
    void multipartPartsReachTheHandlerAndAnotherFileIs422() throws Exception {
        String item = unique("scan");
        String key = UUID.randomUUID().toString();
        Shape multipart = shapes().get(6);
        String other = multipart.body(item).replace("binary", "BINARY");

        HttpResponse<byte[]> first = send(shapeRequest(multipart, item, key));
        HttpResponse<byte[]> otherFile = send(post("/shapes/multipart", "alice", other)
                .setHeader("Content-Type", multipart.contentType()).header("Idempotency-Key", key));

        assertThat(text(first)).endsWith(" file=scan.bin:8:" + Arrays.hashCode("\u0000\u0001binary".getBytes(StandardCharsets.UTF_8)));
        assertProblem(otherFile, 422, "idempotency-key-reused");
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void aFunctionalRouteIsGuardedByTheRouteFilter() throws Exception {
        String body = "{\"item\":\"" + unique("route") + "\"}";
        String key = UUID.randomUUID().toString();

        HttpResponse<byte[]> first = send(post("/routes/orders/express", "alice", body).header("Idempotency-Key", key));
        HttpResponse<byte[]> retry = send(post("/routes/orders/express", "alice", body).header("Idempotency-Key", key));
        HttpResponse<byte[]> otherBody = send(post("/routes/orders/express", "alice", body + " ").header("Idempotency-Key", key));
        HttpResponse<byte[]> otherRoute = send(post("/routes/orders/standard", "alice", body).header("Idempotency-Key", key));
        HttpResponse<byte[]> noKey = send(post("/routes/orders/express", "alice", body));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(text(first)).endsWith(",\"run\":1}");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("X-Kind")).hasValue("express");
        assertThat(retry.body()).isEqualTo(first.body());
        assertProblem(otherBody, 422, "idempotency-key-reused");
        assertProblem(otherRoute, 422, "idempotency-key-reused"); // one route pattern, one scope; the path differs
        assertProblem(noKey, 400, "missing-idempotency-key");
        assertThat(executions.of(body)).isEqualTo(1);
    }

    @Test
    void aBodyOverTheRequestLimitIs413AndTheHandlerDoesNotRun() throws Exception {
        String item = unique("crate") + "x".repeat(2 * 1024 * 1024);

        HttpResponse<byte[]> response = send(post("/orders", "alice", order(item, 1))
                .header("Idempotency-Key", UUID.randomUUID().toString()));

        assertProblem(response, 413, "request-body-too-large");
        assertThat(executions.of(item)).isZero();
    }

    @Test
    void aClientThatResetsTheConnectionMidBodyDoesNotFreeTheKey() throws Exception {
        String item = unique("film");
        String key = UUID.randomUUID().toString();
        String body = "{\"item\":\"" + item + "\"}";
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /shapes/huge HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: " + basic("alice") + "\r\nIdempotency-Key: " + key + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] start = socket.getInputStream().readNBytes(8192);
            assertThat(new String(start, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            socket.setSoLinger(true, 0); // close with a reset, as a client that gives up does
        }

        HttpResponse<byte[]> retry = send(post("/shapes/huge", "alice", body).header("Idempotency-Key", key));

        assertProblem(retry, 409, "request-in-progress");
        assertThat(executions.of(item)).isEqualTo(1);
    }

    @Test
    void sixtyFourConcurrentDuplicatesRunTheHandlerOnce() throws Exception {
        String item = unique("rush");
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            responses.add(http.sendAsync(post("/orders", "alice", order(item, 1)).header("Idempotency-Key", key).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<byte[]>> response : responses) {
            statuses.add(response.get(60, TimeUnit.SECONDS).statusCode());
        }

        assertThat(statuses).isSubsetOf(201, 409).contains(201);
        assertThat(executions.of(item)).isEqualTo(1);
    }
}
