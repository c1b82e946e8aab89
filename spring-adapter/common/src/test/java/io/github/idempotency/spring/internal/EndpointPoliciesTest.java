package io.github.idempotency.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.TestRequest;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import io.github.idempotency.spring.Idempotent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.web.method.HandlerMethod;

class EndpointPoliciesTest {

    private final EndpointPolicies policies = new EndpointPolicies(EndpointPolicy.defaults());

    @Test
    void handlerWithoutTheAnnotationIsNotGuarded() throws Exception {
        assertThat(policies.policyOf(handler(new Plain(), "create"))).isEmpty();
    }

    @Test
    void annotationWithoutAttributesTakesTheDefaults() throws Exception {
        assertThat(policies.policyOf(handler(new Plain(), "guarded"))).hasValue(EndpointPolicy.defaults());
    }

    @Test
    void classAnnotationGuardsEveryMethodAndAMethodAnnotationReplacesIt() throws Exception {
        EndpointPolicy fromClass = policies.policyOf(handler(new AnnotatedClass(), "create")).orElseThrow();
        EndpointPolicy fromMethod = policies.policyOf(handler(new AnnotatedClass(), "update")).orElseThrow();

        assertThat(fromClass.ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(fromClass.keyRequired()).isTrue();
        assertThat(fromMethod.ttl()).isEqualTo(EndpointPolicy.defaults().ttl());
        assertThat(fromMethod.keyRequired()).isFalse();
        assertThat(fromMethod.methods()).containsExactly("PUT");
    }

    @Test
    void anAnnotationOnTheInterfaceMethodAControllerImplementsGuardsIt() throws Exception {
        EndpointPolicy policy = policies.policyOf(handler(new PaymentsController(), "create")).orElseThrow();

        assertThat(policy.keyRequired()).isTrue();
        assertThat(policy.ttl()).isEqualTo(Duration.ofHours(48));
        assertThat(policies.policyOf(handler(new PaymentsController(), "list"))).isEmpty();
    }

    @Test
    void anAnnotationOnTheInterfaceAControllerImplementsGuardsEveryMethod() throws Exception {
        assertThat(policies.policyOf(handler(new RefundsController(), "create")).orElseThrow().ttl())
                .isEqualTo(Duration.ofHours(2));
    }

    @Test
    void anAnnotationOnTheImplementationMethodTakesPrecedenceOverTheInterfaceMethods() throws Exception {
        EndpointPolicy policy = policies.policyOf(handler(new OverridingPaymentsController(), "create")).orElseThrow();

        assertThat(policy.ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(policy.keyRequired()).isFalse();
    }

    @Test
    void attributesReplaceTheirPartOfTheDefaults() throws Exception {
        EndpointPolicy policy = policies.policyOf(handler(new Plain(), "everything")).orElseThrow();

        assertThat(policy.methods()).containsExactlyInAnyOrder("POST", "DELETE");
        assertThat(policy.keyRequired()).isTrue();
        assertThat(policy.ttl()).isEqualTo(Duration.ofMinutes(90));
        assertThat(policy.storagePolicy().shouldStore(500)).isTrue();
        assertThat(policy.concurrency().maxWait()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void fingerprintAttributesCompareJsonCanonicallyAndIncludeTheNamedHeaders() throws Exception {
        FingerprintStrategy fingerprint = policies.policyOf(handler(new Plain(), "everything")).orElseThrow().fingerprint();
        TestRequest request = TestRequest.post("/orders").withHeader("Accept-Language", "en")
                .withJsonBody("{\"item\":\"book\",\"quantity\":2,\"sentAt\":\"10:00\"}");

        Fingerprint original = fingerprintOf(fingerprint, request);

        assertThat(fingerprintOf(fingerprint, request.withJsonBody(
                "{ \"quantity\": 2, \"item\": \"book\", \"sentAt\": \"10:05\" }"))).isEqualTo(original);
        assertThat(fingerprintOf(fingerprint, request.withoutHeader("Accept-Language").withHeader("Accept-Language", "de"))).isNotEqualTo(original);
    }

    private static Fingerprint fingerprintOf(FingerprintStrategy strategy, TestRequest request) throws Exception {
        FingerprintStrategy.Fingerprinter fingerprinter = strategy.start(request);
        request.readBody(Long.MAX_VALUE, fingerprinter);
        return fingerprinter.finish();
    }

    @Test
    void storageDefaultOverridesAConfiguredStoreEverything() throws Exception {
        EndpointPolicy storeAll = EndpointPolicy.builder()
                .storagePolicy(io.github.idempotency.core.StoragePolicy.storeAll()).build();

        EndpointPolicy policy = new EndpointPolicies(storeAll).policyOf(handler(new Plain(), "storeDefault")).orElseThrow();

        assertThat(policy.storagePolicy().shouldStore(500)).isFalse();
        assertThat(policy.storagePolicy().shouldStore(201)).isTrue();
    }

    @Test
    void maxWaitOfZeroRejectsAtOnce() throws Exception {
        EndpointPolicy defaultsThatWait = EndpointPolicy.builder()
                .concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(5))).build();

        EndpointPolicy policy = new EndpointPolicies(defaultsThatWait).policyOf(handler(new Plain(), "noWait")).orElseThrow();

        assertThat(policy.concurrency().waits()).isFalse();
    }

    @Test
    void invalidDurationNamesTheHandlerAndTheAttribute() throws Exception {
        HandlerMethod handler = handler(new Plain(), "badTtl");

        assertThatThrownBy(() -> policies.policyOf(handler))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Plain#badTtl")
                .hasMessageContaining("ttl = \"tomorrow\" is not a duration");
    }

    @Test
    void zeroTtlIsRejectedWithTheEngineReason() throws Exception {
        HandlerMethod handler = handler(new Plain(), "zeroTtl");

        assertThatThrownBy(() -> policies.policyOf(handler))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Plain#zeroTtl")
                .hasMessageContaining("ttl must be positive");
    }

    @Test
    void policyIsWorkedOutOncePerHandler() throws Exception {
        EndpointPolicy first = policies.policyOf(handler(new Plain(), "everything")).orElseThrow();
        EndpointPolicy second = policies.policyOf(handler(new Plain(), "everything")).orElseThrow();

        assertThat(second).isSameAs(first);
    }

    private static HandlerMethod handler(Object bean, String name) throws NoSuchMethodException {
        return new HandlerMethod(bean, bean.getClass().getDeclaredMethod(name));
    }

    static class Plain {
        void create() {
        }

        @Idempotent
        void guarded() {
        }

        @Idempotent(methods = {"POST", "DELETE"}, keyRequired = true, ttl = "90m", storage = Idempotent.Storage.ALL,
                maxWait = "2500ms", canonicalJson = true, includeHeaders = "Accept-Language",
                ignoreJsonFields = "sentAt")
        void everything() {
        }

        @Idempotent(storage = Idempotent.Storage.DEFAULT)
        void storeDefault() {
        }

        @Idempotent(maxWait = "0s")
        void noWait() {
        }

        @Idempotent(ttl = "tomorrow")
        void badTtl() {
        }

        @Idempotent(ttl = "0s")
        void zeroTtl() {
        }
    }

    @Idempotent(ttl = "1h", keyRequired = true)
    static class AnnotatedClass {
        void create() {
        }

        @Idempotent(methods = "PUT")
        void update() {
        }
    }

    /**
     * An interface as OpenAPI Generator writes it ({@code interfaceOnly} or {@code delegatePattern}),
     * the annotation coming from the operation's {@code x-operation-extra-annotation}.
     */
    interface PaymentsApi {
        @Idempotent(keyRequired = true, ttl = "48h")
        void create();

        void list();
    }

    static class PaymentsController implements PaymentsApi {
        @Override
        public void create() {
        }

        @Override
        public void list() {
        }
    }

    static class OverridingPaymentsController extends PaymentsController {
        @Override
        @Idempotent(ttl = "1h")
        public void create() {
        }
    }

    @Idempotent(ttl = "2h")
    interface RefundsApi {
        void create();
    }

    static class RefundsController implements RefundsApi {
        @Override
        public void create() {
        }
    }
}
