package io.github.idempotency.reliability;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request bodies at, just under and over the limit, with and without a length, from clients that
 * send slowly or hang up; JSON built to exhaust a canonicaliser. Never a {@code 5xx}, never a hang,
 * never a claim left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileBodyTest {

    private static final int LIMIT = 64 * 1024;
    private static final int JSON_LIMIT = 1024 * 1024;
    /** The longest any one exchange may take here, on a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String PROBLEMS = "https://idempotency.github.io/problems/";

    private final Executions executions = new Executions();
    private AppInstance limited;
    private AppInstance json;

    @BeforeAll
    void start() throws Exception {
        limited = AppInstance.start("limited", InMemoryIdempotencyStore.create(),
                EndpointPolicy.builder().keyRequired(true).maxRequestBodyBytes(LIMIT).build(), executions);
        json = AppInstance.start("json", InMemoryIdempotencyStore.create(),
                EndpointPolicy.builder().keyRequired(true).maxRequestBodyBytes(JSON_LIMIT)
                        .fingerprint(FingerprintStrategy.canonicalJson()).build(), executions);
    }

    @AfterAll
    void stop() throws Exception {
        limited.close();
        json.close();
    }

    static Stream<Arguments> sizesAroundTheLimit() {
        return Stream.of(false, true).flatMap(chunked -> Stream.of(
                Arguments.of(LIMIT - 1, chunked, 201),
                Arguments.of(LIMIT, chunked, 201),
                Arguments.of(LIMIT + 1, chunked, 413)));
    }

    @ParameterizedTest(name = "{0} bytes, chunked {1}: {2}")
    @MethodSource("sizesAroundTheLimit")
    void bodiesAroundTheLimit(int size, boolean chunked, int expected) throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = filled(size);
        byte[] request = chunked ? chunkedPost(key, body, 1000) : RawHttp.post("/payments", keyHeader(key), body);

        RawHttp.Response response = timed(() -> RawHttp.exchange(limited.port(), request));

        assertThat(response.status()).as("%s", response).isEqualTo(expected);
        if (expected == 413) {
            assertThat(response.text()).contains(PROBLEMS + "request-body-too-large");
            assertThat(executions.count(key)).isZero();
        } else {
            assertThat(executions.count(key)).isEqualTo(1);
        }
    }

    @Test
    void aBodyOfOneByteChunksIsTheSameRequestAsWithALength() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = filled(2_000);

        RawHttp.Response chunked = timed(() -> RawHttp.exchange(limited.port(), chunkedPost(key, body, 1)));
        RawHttp.Response withLength = RawHttp.exchange(limited.port(), RawHttp.post("/payments", keyHeader(key), body));

        assertThat(chunked.status()).isEqualTo(201);
        assertThat(withLength.head()).contains("Idempotent-Replayed: true");
        assertThat(withLength.text()).isEqualTo(chunked.text());
        assertThat(executions.count(key)).isEqualTo(1);
    }

    @Test
    void aClientDribblingItsBodyIsServedOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = "{\"amount\": 1250, \"currency\": \"EUR\", \"note\": \"slow\"}".getBytes(US_ASCII);
        byte[] request = RawHttp.post("/payments", keyHeader(key), body);

        RawHttp.Response slow = timed(() -> RawHttp.exchange(limited.port(), request, request.length - body.length,
                Duration.ofMillis(10)));
        RawHttp.Response retry = RawHttp.exchange(limited.port(), request);

        assertThat(slow.status()).isEqualTo(201);
        assertThat(retry.head()).contains("Idempotent-Replayed: true");
        assertThat(executions.count(key)).isEqualTo(1);
    }

    @Test
    void aClientHangingUpMidBodyLeavesNoClaimBehind() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = filled(100);
        byte[] request = RawHttp.post("/payments", keyHeader(key), body);

        RawHttp.hangUpAfter(limited.port(), Arrays.copyOf(request, request.length - 90));
        RawHttp.Response whole = timed(() -> RawHttp.exchange(limited.port(), request));

        assertThat(whole.status()).as("%s", whole).isEqualTo(201);
        assertThat(executions.count(key)).isEqualTo(1);
    }

    static Stream<Arguments> jsonBombs() {
        return Stream.of(
                Arguments.of("arrays nested 100000 deep", "[".repeat(100_000) + "]".repeat(100_000)),
                Arguments.of("objects nested 50000 deep", "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)),
                Arguments.of("an unclosed megabyte of brackets", "[".repeat(JSON_LIMIT)),
                Arguments.of("a string of 100000 escapes", "\"" + "\\u0000".repeat(100_000) + "\""),
                Arguments.of("a number with a huge exponent", "{\"n\": 1e999999999}"),
                Arguments.of("lone surrogates", "{\"s\": \"\\ud800\\udfff\\udc00\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonBombs")
    void jsonBuiltToExhaustTheCanonicalFingerprintIsAnsweredQuickly(String name, String bomb) throws Exception {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = timed(() -> Http.post(json.uri("/payments"), key, bomb));
        HttpResponse<String> retry = timed(() -> Http.post(json.uri("/payments"), key, bomb));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(Http.replayed(retry)).isTrue();
        assertThat(executions.count(key)).isEqualTo(1);
    }

    static Stream<Arguments> limitsOfTheCanonicalForm() {
        return Stream.of(
                Arguments.of("nesting 64 deep", nested(64), true),
                Arguments.of("nesting 65 deep", nested(65), false),
                Arguments.of("a number of 1000 digits", "{\"n\": " + "7".repeat(1000) + "}", true),
                Arguments.of("a number of 1001 digits", "{\"n\": " + "7".repeat(1001) + "}", false),
                Arguments.of("a duplicate member", "{\"a\": 1, \"a\": 1}", false),
                Arguments.of("20000 members", wideObject(20_000), true));
    }

    /**
     * Within the limits the canonical form applies (white space and member order do not matter); past
     * them the body is fingerprinted as its exact bytes, so a reformatted retry is a different
     * request ({@code 422}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("limitsOfTheCanonicalForm")
    void theCanonicalFormStopsAtItsLimits(String name, String body, boolean canonical) throws Exception {
        String key = UUID.randomUUID().toString();
        String reformatted = body.replace(" ", "").replace(",", " , ");

        HttpResponse<String> first = timed(() -> Http.post(json.uri("/payments"), key, body));
        HttpResponse<String> retry = timed(() -> Http.post(json.uri("/payments"), key, reformatted));

        assertThat(first.statusCode()).isEqualTo(201);
        if (canonical) {
            assertThat(Http.replayed(retry)).isTrue();
        } else {
            assertThat(retry.statusCode()).isEqualTo(422);
            assertThat(retry.body()).contains(PROBLEMS + "idempotency-key-reused");
        }
        assertThat(executions.count(key)).isEqualTo(1);
    }

    /** @return arrays nested {@code depth} deep around {@code 1, 2} */
    private static String nested(int depth) {
        return "[ ".repeat(depth - 1) + "[1, 2]" + " ]".repeat(depth - 1);
    }

    /** @return an object of {@code members} members, written in descending order */
    private static String wideObject(int members) {
        StringBuilder object = new StringBuilder("{");
        for (int i = members; i > 0; i--) {
            object.append("\"k").append(i).append("\": ").append(i).append(i > 1 ? ", " : "");
        }
        return object.append('}').toString();
    }

    private static byte[] filled(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        return body;
    }

    private static byte[] keyHeader(String key) {
        return ("Idempotency-Key: " + key + "\r\n").getBytes(US_ASCII);
    }

    /** A {@code POST} without a length, its body sent in chunks of {@code chunkSize} bytes. */
    private static byte[] chunkedPost(String key, byte[] body, int chunkSize) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /payments HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nIdempotency-Key: " + key
                + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(US_ASCII));
        for (int from = 0; from < body.length; from += chunkSize) {
            int length = Math.min(chunkSize, body.length - from);
            request.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(US_ASCII));
            request.write(body, from, length);
            request.writeBytes("\r\n".getBytes(US_ASCII));
        }
        request.writeBytes("0\r\n\r\n".getBytes(US_ASCII));
        return request.toByteArray();
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws Exception;
    }

    /** Runs one exchange and checks it ended within {@link #BOUND}. */
    private static <T> T timed(Exchange<T> exchange) throws Exception {
        long started = System.nanoTime();
        T result = exchange.run();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
        return result;
    }
}
