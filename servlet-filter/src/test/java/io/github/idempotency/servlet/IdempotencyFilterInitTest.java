package io.github.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Configuration through init-parameters and the servlet context, without a container. */
class IdempotencyFilterInitTest {

    private final Map<String, Object> contextAttributes = new HashMap<>();
    private final IdempotencyEngine engine = IdempotencyEngine.builder(InMemoryIdempotencyStore.create()).build();

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void everyParameterIsParsed() throws ServletException {
        FilterInitParameters parameters = FilterInitParameters.read(config(Map.of(
                "methods", "post, put",
                "ttl", "2h",
                "lease", "PT45S",
                "key-required", "TRUE",
                "max-request-body", "64KB",
                "max-stored-body", "2MiB",
                "concurrency", "wait:500ms",
                "fingerprint", "json",
                "excluded-response-headers", "X-Trace",
                "stored-response-headers", "Date")));

        EndpointPolicy policy = parameters.policy();

        assertThat(policy.methods()).containsExactlyInAnyOrder("POST", "PUT");
        assertThat(policy.ttl()).isEqualTo(Duration.ofHours(2));
        assertThat(policy.lease()).isEqualTo(Duration.ofSeconds(45));
        assertThat(policy.keyRequired()).isTrue();
        assertThat(policy.maxRequestBodyBytes()).isEqualTo(64 * 1024);
        assertThat(policy.maxStoredBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(policy.concurrency().maxWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.storesHeader("x-trace")).isFalse();
        assertThat(policy.storesHeader("Set-Cookie")).as("still excluded by default").isFalse();
        assertThat(policy.storesHeader("Date")).as("stored explicitly").isTrue();
    }

    @Test
    void engineParametersConfigureTheEngineTheFilterBuilds() throws ServletException {
        FilterInitParameters parameters = FilterInitParameters.read(config(Map.of(
                "key-header", "X-Request-Key", "store-failure-mode", "fail-open")));

        try (IdempotencyEngine built = parameters.configure(
                IdempotencyEngine.builder(InMemoryIdempotencyStore.create())).build()) {
            assertThat(built.keyHeader()).isEqualTo("X-Request-Key");
        }
    }

    @Test
    void withoutParametersThePolicyIsTheDefault() throws ServletException {
        EndpointPolicy policy = FilterInitParameters.read(config(Map.of())).policy();

        assertThat(policy.methods()).isEqualTo(EndpointPolicy.defaults().methods());
        assertThat(policy.ttl()).isEqualTo(EndpointPolicy.defaults().ttl());
        assertThat(policy.keyRequired()).isFalse();
        assertThat(policy.concurrency().waits()).isFalse();
    }

    @Test
    void storagePolicyAllStoresServerErrors() throws ServletException {
        EndpointPolicy all = FilterInitParameters.read(config(Map.of("storage-policy", "all"))).policy();
        EndpointPolicy standard = FilterInitParameters.read(config(Map.of("storage-policy", "default"))).policy();

        assertThat(all.storagePolicy().shouldStore(500)).isTrue();
        assertThat(standard.storagePolicy().shouldStore(500)).isFalse();
    }

    @Test
    void badValuesNameTheParameterTheValueAndWhatIsAccepted() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("ttl", "soon");
        bad.put("lease", "0s");
        bad.put("key-required", "yes");
        bad.put("max-request-body", "1 XB");
        bad.put("max-stored-body", "-5");
        bad.put("storage-policy", "some");
        bad.put("concurrency", "wait:forever");
        bad.put("fingerprint", "md5");
        bad.put("methods", ",");
        bad.put("excluded-response-headers", "Bad Header");
        bad.forEach((name, value) -> assertThatThrownBy(() -> init(new IdempotencyFilter(), Map.of(name, value)))
                .as(name)
                .isInstanceOf(ServletException.class)
                .hasMessageStartingWith("invalid init-parameter " + name + "=\"" + value + "\": expected "));
    }

    @Test
    void badPathPatternsAreReportedWithTheParameterName() {
        assertThatThrownBy(() -> init(new IdempotencyFilter(), Map.of("paths", "/payments/*, payments")))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("paths=\"/payments/*, payments\"")
                .hasMessageContaining("invalid path pattern \"payments\"");
    }

    @Test
    void badEngineParametersAreReported() {
        assertThatThrownBy(() -> init(new IdempotencyFilter(), Map.of("store-failure-mode", "ignore")))
                .hasMessage("invalid init-parameter store-failure-mode=\"ignore\": expected fail-closed or fail-open");
        assertThatThrownBy(() -> init(new IdempotencyFilter(), Map.of("key-header", "Idempotency Key")))
                .hasMessageStartingWith("invalid init-parameter key-header=\"Idempotency Key\": expected an HTTP header name");
    }

    @Test
    void anUnknownParameterIsReportedWithTheKnownOnes() {
        assertThatThrownBy(() -> init(new IdempotencyFilter(), Map.of("key-requried", "true")))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("unknown init-parameter \"key-requried\"")
                .hasMessageContaining("key-required");
    }

    @Test
    void anEngineInTheServletContextIsUsedAndNotClosedByTheFilter() throws ServletException {
        contextAttributes.put(IdempotencyFilter.ENGINE_ATTRIBUTE, engine);
        IdempotencyFilter filter = new IdempotencyFilter();
        init(filter, Map.of("key-required", "true"));
        filter.destroy();

        assertThat(engine.keyHeader()).isEqualTo("Idempotency-Key"); // still usable
    }

    @Test
    void engineSettingsCannotApplyToAnEngineFromTheServletContext() {
        contextAttributes.put(IdempotencyFilter.ENGINE_ATTRIBUTE, engine);

        assertThatThrownBy(() -> init(new IdempotencyFilter(), Map.of("key-header", "X-Request-Key")))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("init-parameter \"key-header\" cannot apply to the engine in the servlet context attribute");
    }

    @Test
    void aServletContextAttributeOfAnotherTypeIsReported() {
        contextAttributes.put(IdempotencyFilter.ENGINE_ATTRIBUTE, "not an engine");

        assertThatThrownBy(() -> init(new IdempotencyFilter(), Map.of()))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("must hold an io.github.idempotency.core.IdempotencyEngine, not a java.lang.String");
    }

    @Test
    void aFilterBuiltInCodeRefusesInitParameters() {
        IdempotencyFilter filter = IdempotencyFilter.builder(engine).build();

        assertThatThrownBy(() -> init(filter, Map.of("ttl", "1h")))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("was built in code and takes no init-parameters");
    }

    @Test
    void theBuilderRejectsMalformedPaths() {
        assertThatThrownBy(() -> IdempotencyFilter.builder(engine).paths("payments").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid path pattern \"payments\"");
    }

    private void init(IdempotencyFilter filter, Map<String, String> parameters) throws ServletException {
        filter.init(config(parameters));
    }

    private FilterConfig config(Map<String, String> parameters) {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getAttribute")) {
                        return contextAttributes.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "idempotency";
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return parameters.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(parameters.keySet());
            }
        };
    }

    @Test
    void encryptionAndRedactionParametersProtectTheStoreWithKeysFromTheEnvironment() throws Exception {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Map<String, String> environment = Map.of("KEY_1", key, "KEY_2", key, "FINGERPRINT_KEY", key);
        FilterInitParameters parameters = FilterInitParameters.read(config(Map.of(
                "encryption-keys", "k1=KEY_1, k2=KEY_2",
                "encryption-current-key-id", "k2",
                "encryption-fingerprint-key", "FINGERPRINT_KEY",
                "redacted-json-fields", "card.number")));
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();

        io.github.idempotency.core.store.IdempotencyStore protectedStore = parameters.protect(store, environment::get);

        assertThat(protectedStore).isNotSameAs(store);
        assertThat(protectedStore.toString()).contains("encrypted").contains("card.number").doesNotContain(key);
        assertThat(FilterInitParameters.read(config(Map.of())).protect(store, environment::get)).isSameAs(store);
    }

    @Test
    void encryptionParametersNameWhatIsMissingAndNeverShowAKey() throws Exception {
        String secret = "c2VjcmV0LWtleS1tYXRlcmlhbA!!";
        Map<String, String> environment = Map.of("BAD", secret, "SHORT", "c2hvcnQ=");
        Map<Map<String, String>, String> cases = Map.of(
                Map.of("encryption-keys", "k1=UNSET", "encryption-fingerprint-key", "BAD"),
                "environment variable UNSET named by init-parameter encryption-keys is not set",
                Map.of("encryption-keys", "k1=BAD", "encryption-fingerprint-key", "BAD"),
                "(environment variable BAD) is not valid base64",
                Map.of("encryption-keys", "k1=SHORT", "encryption-fingerprint-key", "BAD"), "has 5 bytes",
                Map.of("encryption-keys", "k1"), "encryption-fingerprint-key is missing",
                Map.of("encryption-keys", "k1=A, k2=B", "encryption-fingerprint-key", "BAD"),
                "encryption-current-key-id is missing",
                Map.of("encryption-current-key-id", "k1"), "encryption-keys is missing",
                Map.of("redacted-json-fields", "a..b"), "invalid init-parameter redacted-json-fields");
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            FilterInitParameters parameters = FilterInitParameters.read(config(c.getKey()));
            assertThatThrownBy(() -> parameters.protect(InMemoryIdempotencyStore.create(), environment::get))
                    .isInstanceOf(ServletException.class)
                    .hasMessageContaining(c.getValue())
                    .hasMessageNotContaining(secret);
        }
    }

    @Test
    void encryptionParametersCannotApplyToASuppliedEngine() throws Exception {
        FilterInitParameters parameters = FilterInitParameters.read(config(Map.of("redacted-json-fields", "a")));

        assertThatThrownBy(() -> parameters.requireNoEngineSettings("in the attribute"))
                .hasMessageContaining("redacted-json-fields");
    }
}
