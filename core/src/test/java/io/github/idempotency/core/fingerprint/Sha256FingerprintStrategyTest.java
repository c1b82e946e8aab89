package io.github.idempotency.core.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.TestRequest;
import java.util.Arrays;
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

    private static Fingerprint fingerprint(TestRequest request) {
        return Fingerprints.of(SHA256, request);
    }
}
