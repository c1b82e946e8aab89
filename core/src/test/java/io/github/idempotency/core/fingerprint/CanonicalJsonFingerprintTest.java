package io.github.idempotency.core.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.TestRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonFingerprintTest {

    private static final FingerprintStrategy CANONICAL = FingerprintStrategy.canonicalJson();

    private static final TestRequest PAYMENT = TestRequest.post("/payments")
            .withJsonBody("{\"amount\":1250,\"currency\":\"EUR\",\"meta\":{\"a\":1,\"b\":[1,2]}}");

    @Test
    void memberOrderDoesNotMatter() {
        assertSameAsPayment("{\"meta\":{\"b\":[1,2],\"a\":1},\"currency\":\"EUR\",\"amount\":1250}");
    }

    @Test
    void whiteSpaceDoesNotMatter() {
        assertSameAsPayment("""
                {
                  "amount" : 1250,
                  "currency" :\t"EUR",
                  "meta" : { "a" : 1, "b" : [ 1 , 2 ] }
                }
                """);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1250.0", "1250.00", "1.25e3", "1.25E+3", "125e1", "12500e-1", "1250e0"})
    void numberFormDoesNotMatter(String amount) {
        assertSameAsPayment("{\"amount\":" + amount + ",\"currency\":\"EUR\",\"meta\":{\"a\":1,\"b\":[1,2]}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.0", "1e0", "1.00", "10e-1", "0.1e1", "1E0"})
    void formsOfOneAreEqual(String one) {
        assertThat(fingerprintOfJson(one)).isEqualTo(fingerprintOfJson("1"));
    }

    @Test
    void stringEscapesDoNotMatter() {
        assertThat(fingerprintOfJson("\"caf\\u00e9 \\/ \\ud83d\\ude00\"")).isEqualTo(fingerprintOfJson("\"café / \uD83D\uDE00\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"amount\":1251,\"currency\":\"EUR\",\"meta\":{\"a\":1,\"b\":[1,2]}}",
        "{\"amount\":\"1250\",\"currency\":\"EUR\",\"meta\":{\"a\":1,\"b\":[1,2]}}",
        "{\"amount\":1250,\"currency\":\"eur\",\"meta\":{\"a\":1,\"b\":[1,2]}}",
        "{\"amount\":1250,\"currency\":\"EUR\",\"meta\":{\"a\":1,\"b\":[2,1]}}",
        "{\"amount\":1250,\"currency\":\"EUR\",\"meta\":{\"a\":1,\"b\":[1,2,null]}}",
        "{\"amount\":1250,\"currency\":\"EUR\",\"meta\":{\"a\":true,\"b\":[1,2]}}",
        "{\"amount\":1250,\"currency\":\"EUR\",\"meta\":{\"A\":1,\"b\":[1,2]}}",
        "{\"amount\":1250,\"currency\":\"EUR\",\"meta\":{\"a\":1,\"b\":[1,2]},\"extra\":null}",
        "{\"amount\":1250,\"currency\":\"EUR\",\"meta\":[{\"a\":1,\"b\":[1,2]}]}"
    })
    void differentValuesGiveDifferentFingerprints(String json) {
        assertThat(fingerprint(PAYMENT.withBody(json))).isNotEqualTo(fingerprint(PAYMENT));
    }

    @Test
    void bigIntegersAreExact() {
        assertThat(fingerprintOfJson("123456789012345678901234567890"))
                .isNotEqualTo(fingerprintOfJson("123456789012345678901234567891"));
    }

    @Test
    void decimalsBeyondDoublePrecisionAreExact() {
        assertThat(fingerprintOfJson("0.1000000000000000000001")).isNotEqualTo(fingerprintOfJson("0.1"));
    }

    @Test
    void hugeExponentIsHashedWithoutExpandingIt() {
        assertThat(fingerprintOfJson("1e999999999")).isEqualTo(fingerprintOfJson("10e999999998"));
    }

    @Test
    void jsonMediaTypesWithSuffixOrParametersAreCanonicalised() {
        TestRequest problem = PAYMENT.withContentType("application/problem+json");
        TestRequest utf8 = PAYMENT.withContentType("application/json; charset=utf-8");

        assertThat(fingerprint(problem.withBody("{ \"amount\" : 1250.0, \"meta\":{\"b\":[1,2],\"a\":1}, \"currency\":\"EUR\"}")))
                .isEqualTo(fingerprint(problem));
        assertThat(fingerprint(utf8.withBody(" {\"currency\":\"EUR\",\"amount\":1250,\"meta\":{\"a\":1,\"b\":[1,2]}} ")))
                .isEqualTo(fingerprint(utf8));
    }

    @Test
    void otherContentTypesAreHashedAsExactBytes() {
        TestRequest text = PAYMENT.withContentType("text/plain");

        assertThat(fingerprint(text.withBody("{\"currency\":\"EUR\",\"amount\":1250,\"meta\":{\"a\":1,\"b\":[1,2]}}")))
                .isNotEqualTo(fingerprint(text));
        assertThat(fingerprint(text)).isEqualTo(Fingerprints.of(FingerprintStrategy.sha256(), text));
    }

    @Test
    void bodyWithoutContentTypeIsHashedAsExactBytes() {
        TestRequest untyped = PAYMENT.withoutHeader("Content-Type");

        assertThat(fingerprint(untyped)).isEqualTo(Fingerprints.of(FingerprintStrategy.sha256(), untyped));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"amount\":", "{amount: 1}", "", "   ", "{\"a\":1} trailing", "{\"a\":1}{\"a\":1}",
        "[1,]", "NaN", "01", "{\"a\":1,\"a\":2}", "100e2147483647"})
    void bodyThatIsNotCanonicalisableJsonIsHashedAsExactBytes(String body) {
        TestRequest request = PAYMENT.withBody(body);

        assertThat(fingerprint(request)).isEqualTo(Fingerprints.of(FingerprintStrategy.sha256(), request));
    }

    @Test
    void numberLongerThanTheParserLimitIsHashedAsExactBytes() {
        TestRequest request = PAYMENT.withBody("[" + "9".repeat(1001) + "]");

        assertThat(fingerprint(request)).isEqualTo(Fingerprints.of(FingerprintStrategy.sha256(), request));
    }

    @Test
    void invalidJsonBodiesThatDifferInWhiteSpaceDiffer() {
        assertThat(fingerprint(PAYMENT.withBody("{\"amount\": 1250,")))
                .isNotEqualTo(fingerprint(PAYMENT.withBody("{\"amount\":1250,")));
    }

    @Test
    void duplicateMemberIsNotSilentlyDropped() {
        assertThat(fingerprintOfJson("{\"a\":1,\"a\":2}")).isNotEqualTo(fingerprintOfJson("{\"a\":2}"));
    }

    @Test
    void loneSurrogateEscapeIsHashedWithoutFailing() {
        assertThat(fingerprintOfJson("[\"\\ud800\"]")).isEqualTo(fingerprintOfJson("[ \"\\uD800\" ]"))
                .isNotEqualTo(fingerprintOfJson("[\"?\"]"));
    }

    @Test
    void nestingUpToSixtyFourLevelsIsCanonicalised() {
        assertThat(fingerprintOfJson(nested(64, ""))).isEqualTo(fingerprintOfJson(nested(64, " ")));
    }

    @Test
    void nestingBeyondSixtyFourLevelsIsHashedAsExactBytes() {
        TestRequest deep = PAYMENT.withBody(nested(65, ""));

        assertThat(fingerprint(deep)).isEqualTo(Fingerprints.of(FingerprintStrategy.sha256(), deep))
                .isNotEqualTo(fingerprintOfJson(nested(65, " ")));
    }

    @Test
    void chunkingOfTheBodyDoesNotMatter() {
        assertThat(fingerprint(PAYMENT.withChunkSizes(1))).isEqualTo(fingerprint(PAYMENT.withChunkSizes(1000)));
    }

    @Test
    void canonicalJsonStillCoversTheRestOfTheRequest() {
        assertThat(fingerprint(PAYMENT.withQuery("x=1"))).isNotEqualTo(fingerprint(PAYMENT));
        assertThat(fingerprint(PAYMENT.withRoute("/other"))).isNotEqualTo(fingerprint(PAYMENT));
    }

    /** Arrays inside objects, {@code levels} deep in all, with {@code space} between tokens. */
    private static String nested(int levels, String space) {
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            json.append(i % 2 == 0 ? "{" + space + "\"k\"" + space + ":" + space : "[" + space);
        }
        json.append("1");
        for (int i = levels - 1; i >= 0; i--) {
            json.append(space).append(i % 2 == 0 ? "}" : "]");
        }
        return json.toString();
    }

    private static void assertSameAsPayment(String json) {
        assertThat(fingerprintOfJson(json)).isEqualTo(fingerprint(PAYMENT));
    }

    private static Fingerprint fingerprintOfJson(String json) {
        return fingerprint(PAYMENT.withBody(json));
    }

    private static Fingerprint fingerprint(TestRequest request) {
        return Fingerprints.of(CANONICAL, request);
    }
}
