package io.github.idempotency.core.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.TestRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Sha256FingerprintStrategyTest {

    private static final FingerprintStrategy SHA256 = FingerprintStrategy.sha256();

    private static final TestRequest PAYMENT = TestRequest.post("/payments")
            .withQuery("currency=EUR&dry_run=false")
            .withJsonBody("{\"amount\": 1250, \"currency\": \"EUR\"}")
            .withHeader("X-Request-Id", "r-1");

    @Test
    void sameRequestGivesSameFingerprint() {
        TestRequest again = TestRequest.post("/payments")
                .withQuery("currency=EUR&dry_run=false")
                .withJsonBody("{\"amount\": 1250, \"currency\": \"EUR\"}")
                .withHeader("X-Request-Id", "r-1");

        assertThat(fingerprint(again)).isEqualTo(fingerprint(PAYMENT));
    }

    @Test
    void fingerprintIsThirtyTwoBytes() {
        assertThat(fingerprint(PAYMENT).bytes()).hasSize(32);
    }

    @Test
    void chunkingOfTheBodyDoesNotMatter() {
        byte[] body = new byte[10_000];
        Arrays.fill(body, (byte) 'x');
        TestRequest request = TestRequest.post("/upload").withContentType("application/octet-stream").withBody(body);

        Fingerprint reference = fingerprint(request.withChunkSizes(body.length));

        assertThat(fingerprint(request.withChunkSizes(1))).isEqualTo(reference);
        assertThat(fingerprint(request.withChunkSizes(3, 1000, 17))).isEqualTo(reference);
        assertThat(fingerprint(request)).isEqualTo(reference);
    }

    static Stream<Named<UnaryOperator<TestRequest>>> changesToCoveredParts() {
        return Stream.of(
                Named.of("method", r -> r.withMethod("PATCH")),
                Named.of("route", r -> r.withRoute("/payments/{id}")),
                Named.of("path", r -> r.withPath("/payments/")),
                Named.of("query value", r -> r.withQuery("currency=EUR&dry_run=true")),
                Named.of("query parameter added", r -> r.withQuery("currency=EUR&dry_run=false&x=1")),
                Named.of("query removed", r -> r.withQuery(null)),
                Named.of("content type", r -> r.withContentType("text/plain")),
                Named.of("content type parameter", r -> r.withContentType("application/json; charset=ISO-8859-1")),
                Named.of("content type removed", r -> r.withoutHeader("Content-Type")),
                Named.of("one body byte", r -> r.withBody("{\"amount\": 1251, \"currency\": \"EUR\"}")),
                Named.of("body white space", r -> r.withBody("{\"amount\":1250, \"currency\": \"EUR\"}")),
                Named.of("body emptied", r -> r.withBody(new byte[0])));
    }

    @ParameterizedTest
    @MethodSource("changesToCoveredParts")
    void changeInACoveredPartChangesTheFingerprint(UnaryOperator<TestRequest> change) {
        assertThat(fingerprint(change.apply(PAYMENT))).isNotEqualTo(fingerprint(PAYMENT));
    }

    @Test
    void changeInAnyByteOfALargeBodyChangesTheFingerprint() {
        byte[] body = new byte[4096];
        TestRequest request = TestRequest.post("/upload").withBody(body);
        Fingerprint original = fingerprint(request);

        for (int i = 0; i < body.length; i += 511) {
            byte[] changed = body.clone();
            changed[i] = 1;
            assertThat(fingerprint(request.withBody(changed))).as("byte %d changed", i).isNotEqualTo(original);
        }
    }

    @Test
    void headersNotIncludedDoNotMatter() {
        TestRequest other = PAYMENT.withoutHeader("X-Request-Id").withHeader("X-Request-Id", "r-2")
                .withHeader("User-Agent", "curl/8.5");

        assertThat(fingerprint(other)).isEqualTo(fingerprint(PAYMENT));
    }

    @Test
    void principalDoesNotMatterBecauseItIsPartOfTheScope() {
        assertThat(fingerprint(PAYMENT.withPrincipal("alice"))).isEqualTo(fingerprint(PAYMENT));
    }

    @Test
    void queryParameterOrderDoesNotMatter() {
        assertThat(fingerprint(PAYMENT.withQuery("dry_run=false&currency=EUR"))).isEqualTo(fingerprint(PAYMENT));
    }

    @Test
    void orderOfARepeatedParameterDoesNotMatter() {
        TestRequest request = TestRequest.post("/tags").withQuery("tag=a&tag=b&x=1");

        assertThat(fingerprint(request.withQuery("x=1&tag=b&tag=a"))).isEqualTo(fingerprint(request));
    }

    @Test
    void repeatedParameterIsNotTheSameAsASingleOne() {
        TestRequest request = TestRequest.post("/tags").withQuery("tag=a&tag=a");

        assertThat(fingerprint(request.withQuery("tag=a"))).isNotEqualTo(fingerprint(request));
    }

    @Test
    void emptyQueryParametersAndEmptyQueryDoNotMatter() {
        TestRequest request = TestRequest.post("/p").withQuery("a=1&b=2");

        assertThat(fingerprint(request.withQuery("&a=1&&b=2&"))).isEqualTo(fingerprint(request));
        assertThat(fingerprint(request.withQuery(""))).isEqualTo(fingerprint(request.withQuery(null)));
    }

    @Test
    void queryIsNotPercentDecoded() {
        TestRequest request = TestRequest.post("/p").withQuery("a=1");

        assertThat(fingerprint(request.withQuery("a=%31"))).isNotEqualTo(fingerprint(request));
    }

    @Test
    void ampersandInsideAParameterIsNotASeparator() {
        TestRequest split = TestRequest.post("/p").withQuery("a=1&b=2");

        assertThat(fingerprint(split.withQuery("a=1%26b=2"))).isNotEqualTo(fingerprint(split));
    }

    @Test
    void contentTypeCaseAndSpacesAroundParametersDoNotMatter() {
        TestRequest request = PAYMENT.withContentType("application/json;charset=utf-8");

        assertThat(fingerprint(PAYMENT.withContentType("application/json; charset=UTF-8")))
                .isEqualTo(fingerprint(request));
        assertThat(fingerprint(PAYMENT.withContentType(" Application/JSON ;  Charset=UTF-8 ")))
                .isEqualTo(fingerprint(request));
    }

    @Test
    void absentContentTypeDiffersFromEmptyOne() {
        TestRequest none = PAYMENT.withoutHeader("Content-Type");

        assertThat(fingerprint(none.withContentType(""))).isNotEqualTo(fingerprint(none));
    }

    @Test
    void fieldBoundariesAreUnambiguous() {
        TestRequest first = TestRequest.post("/a").withRoute("/ab");
        TestRequest second = TestRequest.post("b/a").withRoute("/a");

        assertThat(first.route() + first.path()).isEqualTo(second.route() + second.path());
        assertThat(fingerprint(first)).isNotEqualTo(fingerprint(second));
    }

    @Test
    void queryCannotBeConfusedWithTheBody() {
        TestRequest inQuery = TestRequest.post("/p").withQuery("a=1");
        TestRequest inBody = TestRequest.post("/p").withBody("a=1");

        assertThat(fingerprint(inQuery)).isNotEqualTo(fingerprint(inBody));
    }

    @Test
    void jsonBodyIsHashedAsExactBytes() {
        assertThat(fingerprint(PAYMENT.withBody("{\"currency\": \"EUR\", \"amount\": 1250}")))
                .isNotEqualTo(fingerprint(PAYMENT));
    }

    static Stream<Named<TestRequest>> requestsOfEveryShape() {
        String longSegment = "/" + "x".repeat(600);
        return Stream.of(
                Named.of("query of two parameters, JSON", PAYMENT),
                Named.of("query of one parameter", PAYMENT.withQuery("currency=EUR")),
                Named.of("no query, no content type", TestRequest.post("/payments").withoutHeader("Content-Type")),
                Named.of("content type to normalise", PAYMENT.withContentType(" Application/JSON ; Charset=UTF-8")),
                Named.of("non-ASCII path and query", PAYMENT.withPath("/zahlungen/\u00fcberweisung").withQuery("name=J\u00fcrgen")),
                Named.of("strings longer than the buffer", PAYMENT.withPath(longSegment).withRoute(longSegment + longSegment)),
                Named.of("empty body", TestRequest.post("/payments").withBody(new byte[0])),
                Named.of("strings just longer than the buffer's free space",
                        TestRequest.post("/" + "r".repeat(129)).withRoute("/" + "r".repeat(117))),
                Named.of("buffer exactly full before the content type byte",
                        TestRequest.post("/" + "p".repeat(53)).withContentType("text/plain")),
                Named.of("strings of non-ASCII characters only", PAYMENT.withPath("\u00fc\u00e9").withRoute("\u20ac")),
                Named.of("U+0080, the first non-ASCII character", PAYMENT.withPath("/\u0080").withQuery("a=\u0080")),
                Named.of("supplementary characters", PAYMENT.withPath("/\uD83D\uDE00")),
                Named.of("a path of more than 64 KiB", PAYMENT.withPath("/" + "x".repeat(70_000))));
    }

    /** Lengths of 16 MiB and more use all four bytes of the length field. */
    @Test
    void digestInputOfAPathOfMoreThanSixteenMebibytesIsTheDocumentedEncoding() throws Exception {
        TestRequest request = TestRequest.post("/" + "x".repeat(0x01020304)).withRoute("/p").withBody("b");

        assertThat(fingerprint(request).bytes()).isEqualTo(documentedEncoding(request, List.of()));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "application/json; charset=utf-8", "Application/json", "application/x-Zip", "APPLICATION/JSON", "TEXT",
        "\u00c9", " ", ";Text/Plain", "; charset=utf-8", "text/plain;", "a\u007fb", "application/json"})
    void contentTypeIsNormalisedAsDocumented(String contentType) throws Exception {
        TestRequest request = PAYMENT.withContentType(contentType);

        assertThat(fingerprint(request).bytes()).isEqualTo(documentedEncoding(request, List.of()));
    }

    /**
     * The digest input is the documented encoding, so that fingerprints stored by one version of
     * the library still match the same request in another. The expected digest is computed here
     * straight from the documentation, one field at a time.
     */
    @ParameterizedTest
    @MethodSource("requestsOfEveryShape")
    void digestInputIsTheDocumentedEncoding(TestRequest request) throws Exception {
        FingerprintStrategy withHeaders = FingerprintStrategy.builder().includeHeaders("X-Request-Id", "X-Absent").build();

        assertThat(fingerprint(request).bytes()).isEqualTo(documentedEncoding(request, List.of()));
        assertThat(Fingerprints.of(withHeaders, request).bytes())
                .isEqualTo(documentedEncoding(request, List.of("x-absent", "x-request-id")));
    }

    private static byte[] documentedEncoding(TestRequest request, List<String> headers) throws Exception {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(input);
        Consumer<String> string = s -> {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            try {
                out.writeInt(bytes.length);
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        string.accept(request.method());
        string.accept(request.route());
        string.accept(request.path());
        List<String> parameters = Stream.of(request.query().orElse("").split("&"))
                .filter(p -> !p.isEmpty()).sorted().toList();
        out.writeInt(parameters.size());
        parameters.forEach(string);
        Optional<String> contentType = request.contentType()
                .map(c -> Stream.of(c.split(";", -1)).map(p -> p.strip().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(";")));
        out.writeByte(contentType.isPresent() ? 1 : 0);
        contentType.ifPresent(string);
        out.writeInt(headers.size());
        for (String name : headers) {
            string.accept(name);
            List<String> values = request.headerValues(name);
            out.writeInt(values.size());
            values.forEach(string);
        }
        out.writeByte('B');
        out.write(request.body());
        return MessageDigest.getInstance("SHA-256").digest(input.toByteArray());
    }

    private static Fingerprint fingerprint(TestRequest request) {
        return Fingerprints.of(SHA256, request);
    }
}
