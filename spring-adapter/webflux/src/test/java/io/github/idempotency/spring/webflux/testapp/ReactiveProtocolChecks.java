package io.github.idempotency.spring.webflux.testapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.testapp.Gates;
import io.github.idempotency.spring.testapp.HttpProtocolChecks;
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
@SpringBootTest(classes = ReactiveProtocolTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoints.web.exposure.include=health,idempotency")
public abstract class ReactiveProtocolChecks extends HttpProtocolChecks {

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

    static List<Shape> shapes() {
        return List.of(
                new Shape("Mono", "POST", "/shapes/mono", JSON, false),
                new Shape("Mono completing after 2 s", "POST", "/shapes/delayed", JSON, false),
                new Shape("Flux of 1,000 elements", "POST", "/shapes/flux", JSON, false),
                new Shape("Flux of server-sent events", "POST", "/shapes/sse", JSON, false),
                new Shape("response over the stored-body limit", "POST", "/shapes/large", JSON, false),
                new Shape("form, chunked", "POST", "/shapes/form", FORM, true),
                new Shape("multipart with @RequestPart", "POST", "/shapes/multipart", "multipart/form-data; boundary=" + BOUNDARY, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void everyShapeRunsOnceAnswers409WhileItRunsAndIsReplayedAfter(Shape shape) throws Exception {
        assertRunsOnceAnswers409WhileItRunsAndIsReplayedAfter(shape, gates);
    }

    @Test
    void aFluxOfAThousandElementsIsReplayedWhole() throws Exception {
        String item = unique("stream");
        String key = UUID.randomUUID().toString();
        Shape flux = shapes().get(2);

        HttpResponse<byte[]> first = send(shapeRequest(flux, item, key));
        HttpResponse<byte[]> retry = send(shapeRequest(flux, item, key));

        assertThat(text(first)).startsWith("[{\"item\":\"" + item + "\",\"run\":1,\"n\":0}").endsWith("\"n\":999}]");
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(executions.of(item)).isEqualTo(1);
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
        resetMidBody("/shapes/huge", key, body);

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
