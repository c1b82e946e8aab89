package io.github.idempotency.core.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.TestRequest;
import org.junit.jupiter.api.Test;

class FingerprintStrategyBuilderTest {

    private static final TestRequest PAYMENT = TestRequest.post("/payments")
            .withJsonBody("{\"amount\":1250,\"currency\":\"EUR\",\"sent_at\":\"2026-01-01T10:00:00Z\"}")
            .withHeader("X-Tenant", "acme")
            .withHeader("X-Request-Id", "r-1");

    @Test
    void defaultsEqualSha256() {
        FingerprintStrategy built = FingerprintStrategy.builder().build();

        assertThat(built).isEqualTo(FingerprintStrategy.sha256());
        assertThat(Fingerprints.of(built, PAYMENT)).isEqualTo(Fingerprints.of(FingerprintStrategy.sha256(), PAYMENT));
    }

    @Test
    void canonicalJsonFlagEqualsCanonicalJsonStrategy() {
        assertThat(FingerprintStrategy.builder().canonicalJson(true).build())
                .isEqualTo(FingerprintStrategy.canonicalJson());
    }

    @Test
    void sameSettingsGiveEqualStrategies() {
        assertThat(FingerprintStrategy.builder().includeHeaders("X-Tenant", "X-Api-Version").build())
                .isEqualTo(FingerprintStrategy.builder().includeHeaders("x-api-version", "x-tenant").build());
    }

    @Test
    void includedHeaderValueIsCovered() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().includeHeaders("X-Tenant").build();
        TestRequest otherTenant = PAYMENT.withoutHeader("X-Tenant").withHeader("X-Tenant", "globex");

        assertThat(Fingerprints.of(strategy, otherTenant)).isNotEqualTo(Fingerprints.of(strategy, PAYMENT));
        assertThat(Fingerprints.of(FingerprintStrategy.sha256(), otherTenant))
                .isEqualTo(Fingerprints.of(FingerprintStrategy.sha256(), PAYMENT));
    }

    @Test
    void includedHeaderNamesAreCaseInsensitive() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().includeHeaders("x-TENANT").build();
        TestRequest lowerCaseName = PAYMENT.withoutHeader("X-Tenant").withHeader("x-tenant", "acme");
        TestRequest otherTenant = PAYMENT.withoutHeader("X-Tenant").withHeader("x-tenant", "globex");

        assertThat(Fingerprints.of(strategy, lowerCaseName)).isEqualTo(Fingerprints.of(strategy, PAYMENT));
        assertThat(Fingerprints.of(strategy, otherTenant)).isNotEqualTo(Fingerprints.of(strategy, PAYMENT));
    }

    @Test
    void absentIncludedHeaderDiffersFromEmptyOne() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().includeHeaders("X-Tenant").build();
        TestRequest none = PAYMENT.withoutHeader("X-Tenant");

        assertThat(Fingerprints.of(strategy, none.withHeader("X-Tenant", "")))
                .isNotEqualTo(Fingerprints.of(strategy, none));
    }

    @Test
    void includedHeaderLinesCountInOrderAndAreNotJoined() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().includeHeaders("X-Tags").build();
        TestRequest ab = PAYMENT.withHeader("X-Tags", "a").withHeader("X-Tags", "b");

        assertThat(Fingerprints.of(strategy, PAYMENT.withHeader("X-Tags", "b").withHeader("X-Tags", "a")))
                .isNotEqualTo(Fingerprints.of(strategy, ab));
        assertThat(Fingerprints.of(strategy, PAYMENT.withHeader("X-Tags", "a,b")))
                .isNotEqualTo(Fingerprints.of(strategy, ab));
    }

    @Test
    void headersNotIncludedStillDoNotMatter() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().includeHeaders("X-Tenant").build();
        TestRequest otherRequestId = PAYMENT.withoutHeader("X-Request-Id").withHeader("X-Request-Id", "r-2");

        assertThat(Fingerprints.of(strategy, otherRequestId)).isEqualTo(Fingerprints.of(strategy, PAYMENT));
    }

    @Test
    void includeHeadersReplacesEarlierNames() {
        FingerprintStrategy strategy = FingerprintStrategy.builder()
                .includeHeaders("X-Tenant").includeHeaders("X-Request-Id").build();

        assertThat(strategy).isEqualTo(FingerprintStrategy.builder().includeHeaders("X-Request-Id").build());
    }

    @Test
    void blankHeaderNameIsRejected() {
        assertThatThrownBy(() -> FingerprintStrategy.builder().includeHeaders("X-Tenant", " ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void ignoredTopLevelJsonFieldDoesNotMatter() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().ignoreJsonFields("sent_at").build();
        TestRequest later = PAYMENT.withBody("{\"amount\":1250,\"currency\":\"EUR\",\"sent_at\":\"2026-01-01T10:00:05Z\"}");
        TestRequest without = PAYMENT.withBody("{\"amount\":1250,\"currency\":\"EUR\"}");

        assertThat(Fingerprints.of(strategy, later)).isEqualTo(Fingerprints.of(strategy, PAYMENT));
        assertThat(Fingerprints.of(strategy, without)).isEqualTo(Fingerprints.of(strategy, PAYMENT));
    }

    @Test
    void fieldsThatAreNotIgnoredStillMatter() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().ignoreJsonFields("sent_at").build();
        TestRequest otherAmount = PAYMENT.withBody("{\"amount\":1251,\"currency\":\"EUR\",\"sent_at\":\"2026-01-01T10:00:00Z\"}");

        assertThat(Fingerprints.of(strategy, otherAmount)).isNotEqualTo(Fingerprints.of(strategy, PAYMENT));
    }

    @Test
    void ignoredFieldNameInANestedObjectIsKept() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().ignoreJsonFields("sent_at").build();
        TestRequest nested = PAYMENT.withBody("{\"amount\":1250,\"meta\":{\"sent_at\":1}}");
        TestRequest nestedChanged = PAYMENT.withBody("{\"amount\":1250,\"meta\":{\"sent_at\":2}}");

        assertThat(Fingerprints.of(strategy, nestedChanged)).isNotEqualTo(Fingerprints.of(strategy, nested));
    }

    @Test
    void ignoringJsonFieldsImpliesCanonicalJson() {
        FingerprintStrategy strategy = FingerprintStrategy.builder()
                .ignoreJsonFields("sent_at").canonicalJson(false).build();
        TestRequest reordered = PAYMENT.withBody(
                "{ \"sent_at\": \"x\", \"currency\": \"EUR\", \"amount\": 1250.0 }");

        assertThat(Fingerprints.of(strategy, reordered)).isEqualTo(Fingerprints.of(strategy, PAYMENT));
    }

    @Test
    void ignoredFieldsDoNotApplyToBodiesThatAreNotJson() {
        FingerprintStrategy strategy = FingerprintStrategy.builder().ignoreJsonFields("sent_at").build();
        TestRequest text = PAYMENT.withContentType("text/plain");
        TestRequest textLater = text.withBody("{\"amount\":1250,\"currency\":\"EUR\",\"sent_at\":\"later\"}");

        assertThat(Fingerprints.of(strategy, textLater)).isNotEqualTo(Fingerprints.of(strategy, text));
    }
}
