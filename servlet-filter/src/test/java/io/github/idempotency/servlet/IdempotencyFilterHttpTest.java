package io.github.idempotency.servlet;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.store.StoredResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every row of the protocol over real HTTP, against a container that each subclass starts with
 * {@link TestApplication}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdempotencyFilterHttpTest {

    /** Headers that differ between two responses for reasons outside the library. */
    private static final Set<String> PER_RESPONSE_HEADERS = Set.of(
            "date", "content-length", "transfer-encoding", "connection", "keep-alive", "set-cookie",
            "idempotent-replayed");
    private static final String JSON = "application/json";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    protected final TestApplication app = new TestApplication();
    private int port;

    /**
     * Starts the container on a free port with {@code app} as its only application.
     *
     * @return the port
     */
    protected abstract int start(TestApplication app) throws Exception;

    protected abstract void stop() throws Exception;

    @BeforeAll
    void startContainer() throws Exception {
        port = start(app);
    }

    @AfterAll
    void stopContainer() throws Exception {
        stop();
        app.engine.close();
        app.protectedEngine.close();
    }

    // ---- first request and replay

    @Test
    void firstRequestRunsTheHandlerAndARetryReplaysStatusHeadersAndBodyExactly() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/echo", key, JSON, "{\"amount\":1250}");
        HttpResponse<byte[]> replay = post("/api/echo", key, JSON, "{\"amount\":1250}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(text(first)).isEqualTo("{\"execution\":1,\"user\":\"anonymous\",\"received\":{\"amount\":1250}}");
        assertThat(first.headers().allValues("Link"))
                .containsExactly("<https://example.test/a>; rel=\"first\"", "<https://example.test/b>; rel=\"second\"");
        assertThat(first.headers().allValues("Vary")).containsExactly("Accept", "Accept-Language");
        assertThat(first.headers().allValues("Content-Language")).containsExactly("fr-CA");
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void withRedactionTheFirstClientGetsTheOriginalAndAReplayTheRedactedBodyMarkedSo() throws Exception {
        String key = newKey();
        String card = "4242-" + key;
        HttpResponse<byte[]> first = post("/protected/echo", key, JSON, "{\"card\":{\"number\":\"" + card + "\"}}");
        HttpResponse<byte[]> replay = post("/protected/echo", key, JSON, "{\"card\":{\"number\":\"" + card + "\"}}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(text(first)).isEqualTo("{\"execution\":1,\"user\":\"anonymous\",\"received\":{\"card\":{\"number\":\""
                + card + "\"}}}");
        assertThat(first.headers().firstValue("Idempotent-Redacted")).isEmpty();
        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(text(replay)).isEqualTo(
                "{\"execution\":1,\"user\":\"anonymous\",\"received\":{\"card\":{\"number\":\"[REDACTED]\"}}}");
        assertThat(replay.headers().firstValue("Idempotent-Redacted")).hasValue("true");
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.headers().allValues("Link")).isEqualTo(first.headers().allValues("Link"));
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void setCookieIsSentFirstButNeitherStoredNorReplayed() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/echo", key, JSON, "{}");
        HttpResponse<byte[]> replay = post("/api/echo", key, JSON, "{}");

        assertThat(first.headers().allValues("Set-Cookie")).singleElement().asString().startsWith("session=s1");
        assertThat(replay.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void aKeyAlsoWorksAsAnSfString() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/echo", key, JSON, "{}");
        HttpResponse<byte[]> replay = post("/api/echo", "\"" + key + "\"", JSON, "{}");

        assertReplayOf(first, replay);
    }

    // ---- rejections

    @Test
    void sameKeyWithADifferentBodyIs422AndTheHandlerDoesNotRun() throws Exception {
        String key = newKey();
        post("/api/echo", key, JSON, "{\"amount\":1250}");
        HttpResponse<byte[]> mismatch = post("/api/echo", key, JSON, "{\"amount\":9999}");

        assertProblem(mismatch, 422, "idempotency-key-reused");
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void missingKeyWhereRequiredIs400() throws Exception {
        int before = app.executions("null");
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/api/echo"))
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertProblem(response, 400, "missing-idempotency-key");
        assertThat(app.executions("null")).isEqualTo(before);
    }

    @Test
    void invalidKeyIs400() throws Exception {
        String tooLong = "k".repeat(256);
        HttpResponse<byte[]> response = post("/api/echo", tooLong, JSON, "{}");

        assertProblem(response, 400, "invalid-idempotency-key");
        assertThat(app.executions(tooLong)).isZero();
    }

    @Test
    void twoIdempotencyKeyHeaderLinesAre400() throws Exception {
        String key = newKey();
        String body = "{}";
        String response = raw("POST /api/echo HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Idempotency-Key: " + key + "\r\n"
                + "Idempotency-Key: " + key + "-other\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + body);

        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(response).contains("invalid-idempotency-key");
        assertThat(app.executions(key)).isZero();
    }

    @Test
    void requestBodyOverTheLimitIs413() throws Exception {
        String key = newKey();
        String tooLarge = "{\"padding\":\"" + "x".repeat(TestApplication.MAX_REQUEST_BODY) + "\"}";
        HttpResponse<byte[]> response = post("/api/echo", key, JSON, tooLarge);

        assertProblem(response, 413, "request-body-too-large");
        assertThat(app.executions(key)).isZero();
    }

    @Test
    void requestBodyAtTheLimitIsAccepted() throws Exception {
        String key = newKey();
        String atLimit = "\"" + "x".repeat(TestApplication.MAX_REQUEST_BODY - 2) + "\"";
        HttpResponse<byte[]> response = post("/api/echo", key, JSON, atLimit);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(text(response)).contains(atLimit);
    }

    @Test
    void theApplicationCanSkipReadPartsOfAndTransferTheBufferedBody() throws Exception {
        HttpResponse<byte[]> response = post("/api/read-in-parts", newKey(), "text/plain", "0123456789");

        assertThat(text(response)).isEqualTo("skipped=2 part=234 rest=56789 (5) end=-1");
    }

    // ---- concurrency

    @Test
    void duplicatesWhileTheFirstRunsAre409WithRetryAfterAndLaterReplay() throws Exception {
        String key = newKey();
        TestApplication.Gate gate = app.newGate();
        CompletableFuture<HttpResponse<byte[]>> first = postAsync("/api/block", key, "payload");
        awaitLatch(gate.entered);

        List<CompletableFuture<HttpResponse<byte[]>>> duplicates = List.of(
                postAsync("/api/block", key, "payload"),
                postAsync("/api/block", key, "payload"),
                postAsync("/api/block", key, "payload"));
        for (CompletableFuture<HttpResponse<byte[]>> duplicate : duplicates) {
            HttpResponse<byte[]> response = duplicate.get(30, TimeUnit.SECONDS);
            assertProblem(response, 409, "request-in-progress");
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
        }

        gate.release.countDown();
        HttpResponse<byte[]> original = first.get(30, TimeUnit.SECONDS);
        assertThat(original.statusCode()).isEqualTo(201);
        assertReplayOf(original, post("/api/block", key, "text/plain", "payload"));
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void inWaitModeADuplicateWaitsForTheFirstAndGetsTheReplay() throws Exception {
        String key = newKey();
        TestApplication.Gate gate = app.newGate();
        CompletableFuture<HttpResponse<byte[]>> first = postAsync("/wait/block", key, "payload");
        awaitLatch(gate.entered);

        CountDownLatch duplicateWaiting = app.store.nextInFlight();
        CompletableFuture<HttpResponse<byte[]>> duplicate = postAsync("/wait/block", key, "payload");
        awaitLatch(duplicateWaiting);
        gate.release.countDown();

        HttpResponse<byte[]> original = first.get(30, TimeUnit.SECONDS);
        assertThat(original.statusCode()).isEqualTo(201);
        assertReplayOf(original, duplicate.get(30, TimeUnit.SECONDS));
        assertThat(app.executions(key)).isEqualTo(1);
    }

    // ---- outcomes that release the key

    @Test
    void a5xxResponseReleasesTheKeySoARetryRunsAgain() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/status-500", key, "text/plain", "x");
        HttpResponse<byte[]> retry = post("/api/status-500", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(text(first)).isEqualTo("failed 1");
        assertThat(text(retry)).isEqualTo("failed 2");
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(app.executions(key)).isEqualTo(2);
    }

    @Test
    void anExceptionReleasesTheKeySoARetryRunsAgain() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/throw", key, "text/plain", "x");
        HttpResponse<byte[]> retry = post("/api/throw", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(retry.statusCode()).isEqualTo(500);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(app.executions(key)).isEqualTo(2);
    }

    @Test
    void aResponseLargerThanTheStoredBodyLimitReachesTheClientWholeAndIsReplayedWithoutItsBody() throws Exception {
        for (String scenario : List.of("/api/large", "/api/large-writer")) {
            String key = newKey();
            HttpResponse<byte[]> first = post(scenario, key, "text/plain", "x");
            HttpResponse<byte[]> retry = post(scenario, key, "text/plain", "x");

            assertThat(first.statusCode()).as(scenario).isEqualTo(200);
            assertThat(first.body()).as(scenario).hasSize(2 * TestApplication.MAX_STORED_BODY).containsOnly('b');
            assertThat(first.headers().firstValue("Idempotent-Body-Omitted")).isEmpty();
            assertThat(retry.statusCode()).as(scenario).isEqualTo(200);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(retry.headers().firstValue("Idempotent-Body-Omitted"))
                    .hasValue(Integer.toString(2 * TestApplication.MAX_STORED_BODY));
            assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
            assertThat(retry.headers().firstValue("X-Large")).hasValue("yes");
            assertThat(retry.body()).isEmpty();
            assertThat(app.executions(key)).as(scenario).isEqualTo(1);
        }
    }

    @Test
    void textTheContainersEncodeDifferentlyIsSentAndReplayedWithoutItsBody() throws Exception {
        for (String scenario : List.of("/api/print-non-ascii", "/api/writer-unmappable")) {
            String key = newKey();
            HttpResponse<byte[]> first = post(scenario, key, "text/plain", "x");
            HttpResponse<byte[]> retry = post(scenario, key, "text/plain", "x");

            assertThat(first.statusCode()).as(scenario).isEqualTo(200);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).as(scenario).hasValue("true");
            assertThat(retry.headers().firstValue("Idempotent-Body-Omitted")).as(scenario).isPresent();
            assertThat(retry.body()).as(scenario).isEmpty();
            assertThat(app.executions(key)).as(scenario).isEqualTo(1);
        }
    }

    @Test
    void afterTheTtlTheKeyIsNewAgain() throws Exception {
        String key = newKey();
        post("/api/echo", key, JSON, "{}");
        app.clock.advance(Duration.ofHours(24).plusSeconds(1));
        HttpResponse<byte[]> later = post("/api/echo", key, JSON, "{}");

        assertThat(later.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(app.executions(key)).isEqualTo(2);
    }

    // ---- what is captured

    @Test
    void writerBodiesReplayByteForByteInTheirCharset() throws Exception {
        for (String scenario : List.of("/api/writer-utf8", "/api/writer-latin1", "/api/writer-json", "/api/writer-default")) {
            String key = newKey();
            HttpResponse<byte[]> first = post(scenario, key, "text/plain", "x");
            HttpResponse<byte[]> replay = post(scenario, key, "text/plain", "x");

            assertThat(first.statusCode()).as(scenario).isEqualTo(200);
            assertReplayOf(first, replay);
            assertThat(app.executions(key)).as(scenario).isEqualTo(1);
        }
    }

    @Test
    void utf8AndLatin1WriterBodiesAreEncodedAsDeclared() throws Exception {
        HttpResponse<byte[]> utf8 = post("/api/writer-utf8", newKey(), "text/plain", "x");
        HttpResponse<byte[]> latin1 = post("/api/writer-latin1", newKey(), "text/plain", "x");

        assertThat(new String(utf8.body(), UTF_8)).isEqualTo("Grüße aus Köln, 10 € 1" + System.lineSeparator() + "日本語 \uD83D\uDE00");
        assertThat(utf8.headers().firstValue("Content-Type").orElseThrow().toLowerCase(Locale.ROOT))
                .isEqualTo("text/plain;charset=utf-8");
        assertThat(new String(latin1.body(), ISO_8859_1)).isEqualTo("Grüße, ça coûte 1");
        assertThat(latin1.headers().firstValue("Content-Type").orElseThrow().toLowerCase(Locale.ROOT))
                .isEqualTo("text/plain;charset=iso-8859-1");
    }

    @Test
    void streamBodiesReplayByteForByte() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/stream", key, "text/plain", "x");
        HttpResponse<byte[]> replay = post("/api/stream", key, "text/plain", "x");

        assertThat(first.body()).hasSize(256 + "n=1\r\nend\r\n".length());
        assertReplayOf(first, replay);
    }

    @Test
    void aResponseCommittedEarlyIsCapturedWhole() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/flush-early", key, "text/plain", "x");
        HttpResponse<byte[]> replay = post("/api/flush-early", key, "text/plain", "x");

        assertThat(text(first)).isEqualTo("part one 1\npart two");
        assertThat(first.headers().firstValue("X-Before-Commit")).contains("kept");
        assertThat(first.headers().firstValue("X-After-Commit")).isEmpty();
        assertReplayOf(first, replay);
    }

    @Test
    void aBodyEndedWhileTheHandlerStillRunsIsStoredBeforeTheClientHasIt() throws Exception {
        for (String scenario : List.of("/api/close-then-block", "/api/length-then-block")) {
            String key = newKey();
            TestApplication.Gate gate = app.newGate();
            CompletableFuture<HttpResponse<byte[]>> first = postAsync(scenario, key, "x");
            awaitLatch(gate.entered);
            HttpResponse<byte[]> original = first.get(30, TimeUnit.SECONDS); // complete while the handler blocks

            HttpResponse<byte[]> replay = post(scenario, key, "text/plain", "x");
            gate.release.countDown();

            assertThat(original.statusCode()).as(scenario).isEqualTo(201);
            assertReplayOf(original, replay);
            assertThat(app.executions(key)).as(scenario).isEqualTo(1);
        }
    }

    @Test
    void sendErrorIsReplayedWithItsStatusAndHeadersButWithoutTheContainersErrorPage() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/send-error", key, "text/plain", "x");
        HttpResponse<byte[]> replay = post("/api/send-error", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(404);
        assertThat(replay.statusCode()).isEqualTo(404);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replay.body()).isEmpty();
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void sendRedirectIsReplayedWithStatusAndLocation() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/redirect", key, "text/plain", "x");
        // Jetty sends the whole redirect inside sendRedirect, before the filter can store it.
        awaitLatch(app.store.completed(key));
        HttpResponse<byte[]> replay = post("/api/redirect", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.headers().firstValue("Location").orElseThrow()).endsWith("/api/target?n=1");
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void aForwardWithinTheRequestIsNotGuardedAgain() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/forward", key, JSON, "{}");
        HttpResponse<byte[]> replay = post("/api/forward", key, JSON, "{}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(text(first)).startsWith("{\"execution\":2,");
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(2); // the forwarding servlet and the echo, once each
    }

    @Test
    void formParametersStayReadableByTheServlet() throws Exception {
        String key = newKey();
        String form = "name=J%C3%BCrgen+M&amount=12&tag=a&tag=b";
        HttpResponse<byte[]> first = post("/api/form?source=web", key, "application/x-www-form-urlencoded", form);
        HttpResponse<byte[]> replay = post("/api/form?source=web", key, "application/x-www-form-urlencoded", form);

        assertThat(text(first)).isEqualTo("name=Jürgen M amount=12 tags=[a, b] source=web names=[source, name, amount, tag] n=1");
        assertReplayOf(first, replay);
    }

    @Test
    void asyncResponsesAreStoredWhenTheyCompleteAndReplayed() throws Exception {
        String key = newKey();
        TestApplication.Gate gate = app.newGate();
        CompletableFuture<HttpResponse<byte[]>> first = postAsync("/api/async", key, "payload");
        awaitLatch(gate.entered);

        assertProblem(post("/api/async", key, "text/plain", "payload"), 409, "request-in-progress");
        gate.release.countDown();

        HttpResponse<byte[]> original = first.get(30, TimeUnit.SECONDS);
        assertThat(original.statusCode()).isEqualTo(202);
        assertThat(text(original)).isEqualTo("accepted later 1");
        assertReplayOf(original, post("/api/async", key, "text/plain", "payload"));
        assertThat(app.executions(key)).isEqualTo(1);
    }

    // ---- never twice: every handler shape, every way a response ends

    /** One handler shape of the matrix: where it is and the request it gets. */
    private record Shape(String name, String path, String contentType, String body, boolean holdsItself) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String BOUNDARY = "----form-boundary-7MA4YWxk";

    private static String multipart(String title, String fileContent) {
        return "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"title\"\r\n\r\n" + title + "\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"report.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + fileContent + "\r\n"
                + "--" + BOUNDARY + "--\r\n";
    }

    static List<Shape> handlerShapes() {
        return List.of(
                new Shape("sync", "/api/echo", JSON, "{\"amount\":1}", false),
                new Shape("startAsync", "/api/async", "text/plain", "payload", true),
                new Shape("response over the stored-body limit", "/api/large", "text/plain", "x", false),
                new Shape("multipart", "/api/multipart", "multipart/form-data; boundary=" + BOUNDARY,
                        multipart("Q3 report", "binary\u0000\u0001\r\n--not-a-boundary"), false),
                new Shape("form POST", "/api/form?source=web", "application/x-www-form-urlencoded",
                        "name=J%C3%BCrgen&amount=12&tag=a&tag=b", false),
                new Shape("getReader, chunked", "/api/reader", "text/plain", "line one\nline two", false));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("handlerShapes")
    void everyHandlerShapeRunsOnceAnswers409WhileItRunsAndIsReplayedAfter(Shape shape) throws Exception {
        String key = newKey();
        TestApplication.Gate gate = app.newGate();
        HttpRequest.Builder request = shapeRequest(shape, key);
        if (!shape.holdsItself()) {
            request.header("X-Hold", "yes");
        }
        CompletableFuture<HttpResponse<byte[]>> first = client.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        awaitLatch(gate.entered);

        HttpResponse<byte[]> duplicate;
        try {
            duplicate = send(shapeRequest(shape, key));
        } finally {
            gate.release.countDown();
        }
        HttpResponse<byte[]> original = first.get(30, TimeUnit.SECONDS);
        HttpResponse<byte[]> retry = send(shapeRequest(shape, key));

        assertProblem(duplicate, 409, "request-in-progress");
        assertThat(original.statusCode()).as("the first response").isLessThan(300);
        assertThat(original.body()).isNotEmpty();
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.statusCode()).isEqualTo(original.statusCode());
        if (retry.headers().firstValue("Idempotent-Body-Omitted").isPresent()) {
            assertThat(retry.headers().firstValue("Idempotent-Body-Omitted")).hasValue(Integer.toString(original.body().length));
            assertThat(retry.body()).isEmpty();
        } else {
            assertReplayOf(original, retry);
        }
        assertThat(app.executions(key)).as("handler runs").isEqualTo(1);
    }

    private HttpRequest.Builder shapeRequest(Shape shape, String key) {
        HttpRequest.Builder request = postRequest(shape.path(), key, shape.contentType(), shape.body());
        if (shape.name().contains("chunked")) { // a publisher of unknown length: sent chunked
            byte[] bytes = shape.body().getBytes(UTF_8);
            request.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)));
        }
        return request;
    }

    @Test
    void multipartPartsAndFieldsReachTheServletAndAnotherFileIs422() throws Exception {
        String key = newKey();
        String contentType = "multipart/form-data; boundary=" + BOUNDARY;
        HttpResponse<byte[]> first = post("/api/multipart", key, contentType, multipart("Grüße", "abc"));
        HttpResponse<byte[]> replay = post("/api/multipart", key, contentType, multipart("Grüße", "abc"));
        HttpResponse<byte[]> otherFile = post("/api/multipart", key, contentType, multipart("Grüße", "abd"));

        assertThat(text(first)).isEqualTo("title=Grüße parts=[title:null:null:7:" + java.util.Arrays.hashCode("Grüße".getBytes(UTF_8))
                + "][file:report.bin:application/octet-stream:3:" + java.util.Arrays.hashCode("abc".getBytes(UTF_8)) + "] n=1");
        assertReplayOf(first, replay);
        assertProblem(otherFile, 422, "idempotency-key-reused");
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void aClientThatResetsTheConnectionMidBodyDoesNotFreeTheKey() throws Exception {
        String key = newKey();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // a small window: the server's writes block long before the end
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /big/huge HTTP/1.1\r\nHost: 127.0.0.1\r\nIdempotency-Key: " + key
                    + "\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx").getBytes(ISO_8859_1));
            socket.getOutputStream().flush();
            byte[] start = socket.getInputStream().readNBytes(8192);
            assertThat(new String(start, ISO_8859_1)).startsWith("HTTP/1.1 200");
            socket.setSoLinger(true, 0); // close with a reset, as a client that gives up does
        }

        HttpResponse<byte[]> retry = post("/big/huge", key, "text/plain", "x"); // waits for the first to finish

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).hasSize(TestApplication.HUGE_BODY);
        assertThat(retry.body()[TestApplication.HUGE_BODY - 1]).isEqualTo((byte) (TestApplication.HUGE_BODY / (64 * 1024) - 1));
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void aHandlerThatFailsAfterSendingPartOfItsBodyKeepsItsKeyUntilTheLeaseRunsOut() throws Exception {
        String key = newKey();
        try {
            post("/api/throw-mid-body", key, "text/plain", "x");
        } catch (IOException cutShort) {
            // the container ends the connection in the middle of the body
        }

        HttpResponse<byte[]> retry = post("/api/throw-mid-body", key, "text/plain", "x");

        assertProblem(retry, 409, "request-in-progress");
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void aHandlerThatWritesLessThanItsContentLengthKeepsItsKeyUntilTheLeaseRunsOut() throws Exception {
        String key = newKey();
        try (Socket socket = new Socket("127.0.0.1", port)) { // the JDK client would wait for the missing bytes
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /api/short-body HTTP/1.1\r\nHost: 127.0.0.1\r\nIdempotency-Key: " + key
                    + "\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx").getBytes(ISO_8859_1));
            String head = readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Length: 100");
            assertThat(new String(socket.getInputStream().readNBytes(10), ISO_8859_1)).isEqualTo("ten bytes ");
        }

        HttpResponse<byte[]> retry = post("/api/short-body", key, "text/plain", "x");

        assertProblem(retry, 409, "request-in-progress");
        assertThat(app.executions(key)).isEqualTo(1);
    }

    /** Reads a response's status line and headers, up to and including the empty line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended within the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void anAsyncTimeoutKeepsTheKeyWhileTheApplicationsWorkMayStillRun() throws Exception {
        String key = newKey();
        TestApplication.Gate gate = app.newGate();
        try {
            HttpResponse<byte[]> first = post("/api/async-timeout", key, "text/plain", "x");
            HttpResponse<byte[]> retry = post("/api/async-timeout", key, "text/plain", "x");

            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(text(first)).isEqualTo("timed out 1");
            assertProblem(retry, 409, "request-in-progress");
            assertThat(app.executions(key)).isEqualTo(1);
        } finally {
            gate.release.countDown();
        }
    }

    @Test
    void resetAfterTheWriterWasObtainedStoresWhatFollowsTheReset() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/reset-writer", key, "text/plain", "x");
        HttpResponse<byte[]> replay = post("/api/reset-writer", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(text(first)).isEqualTo("final 1 via a new writer");
        assertThat(first.headers().firstValue("X-Draft")).isEmpty();
        assertReplayOf(first, replay);
    }

    @Test
    void aRequestGuardedByTwoFiltersIsGuardedOnceByTheOuter() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/twice/echo", key, JSON, "{}");
        HttpResponse<byte[]> replay = post("/twice/echo", key, JSON, "{}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }

    // ---- scope and guarding

    @Test
    void keysAreScopedPerUser() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> alice = post("/api/echo", key, JSON, "{}", "alice");
        HttpResponse<byte[]> bob = post("/api/echo", key, JSON, "{}", "bob");
        HttpResponse<byte[]> aliceAgain = post("/api/echo", key, JSON, "{}", "alice");
        HttpResponse<byte[]> bobAgain = post("/api/echo", key, JSON, "{}", "bob");

        assertThat(text(alice)).contains("\"execution\":1,\"user\":\"alice\"");
        assertThat(text(bob)).contains("\"execution\":2,\"user\":\"bob\"");
        assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertReplayOf(alice, aliceAgain);
        assertReplayOf(bob, bobAgain);
        assertThat(app.executions(key)).isEqualTo(2);
    }

    @Test
    void unguardedMethodsAndPathsPassThroughWithoutStoreAccess() throws Exception {
        String key = newKey();
        int claims = app.store.claims();

        HttpResponse<byte[]> get = send(HttpRequest.newBuilder(uri("/api/echo"))
                .header("Idempotency-Key", key).GET());
        HttpResponse<byte[]> put = send(HttpRequest.newBuilder(uri("/api/echo"))
                .header("Idempotency-Key", key).header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<byte[]> open1 = post("/open/echo", key, JSON, "{}");
        HttpResponse<byte[]> open2 = post("/open/echo", key, JSON, "{}");

        assertThat(List.of(get, put, open1, open2)).allSatisfy(r ->
                assertThat(r.headers().firstValue("Idempotent-Replayed")).isEmpty());
        assertThat(text(open2)).contains("\"execution\":4");
        assertThat(app.executions(key)).isEqualTo(4);
        assertThat(app.store.claims()).isEqualTo(claims);
    }

    @Test
    void aFilterConfiguredByInitParametersGuardsItsPaths() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> missing = send(HttpRequest.newBuilder(uri("/configured/echo"))
                .header("Content-Type", JSON).PUT(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<byte[]> first = send(HttpRequest.newBuilder(uri("/configured/echo"))
                .header("Idempotency-Key", key).header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<byte[]> replay = send(HttpRequest.newBuilder(uri("/configured/echo"))
                .header("Idempotency-Key", key).header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));

        assertProblem(missing, 400, "missing-idempotency-key");
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }


    // ---- the building blocks, installed early and activated late (as the Spring adapter uses them)

    @Test
    void aBufferedBodyRequestFoundBehindOtherWrappersBuffersOnceAndServesTheApplication() throws Exception {
        HttpResponse<byte[]> response = send(postRequest("/late/capture", newKey(), "text/plain", "hello body")
                .header("X-Probe", "capture"));

        assertThat(text(response)).isEqualTo("engine=hello body application=hello body sameRequest=true");
    }

    @Test
    void captureStartedLateKeepsOnlyWhatFollowsAndTheWholeBody() throws Exception {
        HttpResponse<byte[]> response = send(postRequest("/late/capture", newKey(), "text/plain", "x")
                .header("X-Probe", "late"));

        StoredResponse captured = (StoredResponse) app.lateCaptures.get("late");
        assertThat(response.headers().firstValue("X-Before-Capture")).contains("not captured");
        assertThat(captured.headerValues("X-Before-Capture")).isEmpty();
        assertThat(captured.headerValues("X-After-Capture")).containsExactly("captured");
        assertThat(captured.headerValues("Content-Type")).containsExactly(response.headers().firstValue("Content-Type").orElseThrow());
        assertThat(captured.body()).isEqualTo(response.body());
        assertThat(captured.status()).isEqualTo(200);
    }

    @Test
    void aBodyBufferedOnFirstReadServesTheReaderAndTheEngineTheSameBytes() throws Exception {
        byte[] body = "twenty bytes of body".getBytes(UTF_8);
        HttpResponse<byte[]> response = send(postRequest("/late/first-read?limit=64", newKey(), "text/plain", "")
                .header("X-Probe", "first-read-within")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));

        assertThat(text(response)).isEqualTo("read=twenty bytes of body engine=twenty bytes of body buffered=true");
    }

    @Test
    void aChunkedBodyOverTheFirstReadLimitIsServedWholeUnbufferedAndTheEngineGets413() throws Exception {
        byte[] body = "a body of forty bytes, over the limit 16".getBytes(UTF_8);
        HttpResponse<byte[]> response = send(postRequest("/late/first-read?limit=16", newKey(), "text/plain", "")
                .header("X-Probe", "first-read-over")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));

        assertThat(text(response)).isEqualTo("read=a body of forty bytes, over the limit 16 engine=413 buffered=false");
    }

    @Test
    void captureStartedAfterTheWriterWasObtainedIsIncomplete() throws Exception {
        HttpResponse<byte[]> response = send(postRequest("/late/writer-first", newKey(), "text/plain", "x")
                .header("X-Probe", "writer-first"));

        assertThat(text(response)).isEqualTo("written");
        assertThat(app.lateCaptures.get("writer-first"))
                .isEqualTo("the output stream or writer was obtained before capture started");
    }

    @Test
    void aResponseWhoseCaptureNeverStartsGetsTheContainersOwnStream() throws Exception {
        HttpResponse<byte[]> response = send(postRequest("/late/never", newKey(), "text/plain", "x")
                .header("X-Probe", "never"));

        assertThat(text(response)).isEqualTo("raw stream: true");
        assertThat(app.lateCaptures.get("never")).isEqualTo("capture was never started");
    }

    // ---- helpers

    static void assertReplayOf(HttpResponse<byte[]> first, HttpResponse<byte[]> replay) {
        assertThat(first.headers().firstValue("Idempotent-Replayed")).as("first response").isEmpty();
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).as("replay").contains("true");
        assertThat(replay.statusCode()).isEqualTo(first.statusCode());
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(comparableHeaders(replay)).isEqualTo(comparableHeaders(first));
        assertThat(replay.headers().firstValue("Content-Length")).contains(Integer.toString(replay.body().length));
    }

    private static Map<String, List<String>> comparableHeaders(HttpResponse<?> response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!PER_RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name.toLowerCase(Locale.ROOT), values);
            }
        });
        return headers;
    }

    private static void assertProblem(HttpResponse<byte[]> response, int status, String slug) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(text(response)).contains("\"type\":\"https://idempotency.github.io/problems/" + slug + "\"")
                .contains("\"status\":" + status);
    }

    static String newKey() {
        return UUID.randomUUID().toString();
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), UTF_8);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpRequest.Builder postRequest(String path, String key, String contentType, String body) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Idempotency-Key", key)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8));
    }

    HttpResponse<byte[]> post(String path, String key, String contentType, String body) throws Exception {
        return send(postRequest(path, key, contentType, body));
    }

    private HttpResponse<byte[]> post(String path, String key, String contentType, String body, String user)
            throws Exception {
        return send(postRequest(path, key, contentType, body).header("X-Test-User", user));
    }

    private CompletableFuture<HttpResponse<byte[]>> postAsync(String path, String key, String body) {
        return client.sendAsync(postRequest(path, key, "text/plain", body).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends bytes the JDK client would not send (two lines of one header) and reads until the server closes. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), ISO_8859_1);
        }
    }

    static void awaitLatch(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    }
}
