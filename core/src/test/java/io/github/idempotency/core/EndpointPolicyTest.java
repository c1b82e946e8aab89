package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndpointPolicyTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        EndpointPolicy defaults = EndpointPolicy.builder().build();

        assertThat(defaults).isEqualTo(EndpointPolicy.defaults());
        assertThat(defaults.methods()).containsExactlyInAnyOrder("POST", "PATCH");
        assertThat(defaults.keyRequired()).isFalse();
        assertThat(defaults.ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(defaults.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.fingerprint()).isEqualTo(FingerprintStrategy.sha256());
        assertThat(defaults.concurrency()).isEqualTo(ConcurrencyPolicy.reject());
        assertThat(defaults.maxRequestBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(defaults.maxStoredBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(defaults.excludedResponseHeaders()).containsAll(EndpointPolicy.HOP_BY_HOP_HEADERS)
                .containsAll(EndpointPolicy.DEFAULT_EXCLUDED_RESPONSE_HEADERS)
                .hasSize(EndpointPolicy.HOP_BY_HOP_HEADERS.size() + EndpointPolicy.DEFAULT_EXCLUDED_RESPONSE_HEADERS.size());
    }

    @Test
    void everyBuilderSettingIsKept() {
        FingerprintStrategy withHeader = FingerprintStrategy.builder().includeHeaders("X-Tenant").build();
        StoragePolicy onlyCreated = status -> status == 201;

        EndpointPolicy policy = EndpointPolicy.builder()
                .methods("put", "DELETE")
                .keyRequired(true)
                .ttl(Duration.ofHours(2))
                .lease(Duration.ofSeconds(5))
                .fingerprint(withHeader)
                .storagePolicy(onlyCreated)
                .concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(3)))
                .maxRequestBodyBytes(10)
                .maxStoredBodyBytes(20)
                .build();

        assertThat(policy.methods()).containsExactlyInAnyOrder("PUT", "DELETE");
        assertThat(policy.guards("put")).isTrue();
        assertThat(policy.guards("POST")).isFalse();
        assertThat(policy.keyRequired()).isTrue();
        assertThat(policy.ttl()).isEqualTo(Duration.ofHours(2));
        assertThat(policy.lease()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.fingerprint()).isSameAs(withHeader);
        assertThat(policy.storagePolicy()).isSameAs(onlyCreated);
        assertThat(policy.concurrency().maxWait()).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.maxRequestBodyBytes()).isEqualTo(10);
        assertThat(policy.maxStoredBodyBytes()).isEqualTo(20);
        assertThat(policy.toBuilder().build()).isEqualTo(policy);
    }

    @Test
    void ttlAndLeaseMustBePositive() {
        for (Duration notPositive : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
            assertThatThrownBy(() -> EndpointPolicy.builder().ttl(notPositive).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive, was " + notPositive);
            assertThatThrownBy(() -> EndpointPolicy.builder().lease(notPositive).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("lease must be positive, was " + notPositive);
        }
        assertThat(EndpointPolicy.builder().ttl(Duration.ofMillis(1)).lease(Duration.ofMillis(1)).build().lease())
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void bodyLimitsMayBeZeroButNotNegative() {
        EndpointPolicy zero = EndpointPolicy.builder().maxRequestBodyBytes(0).maxStoredBodyBytes(0).build();
        assertThat(zero.maxRequestBodyBytes()).isZero();
        assertThat(zero.maxStoredBodyBytes()).isZero();

        assertThatThrownBy(() -> EndpointPolicy.builder().maxRequestBodyBytes(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("body limits must not be negative");
        assertThatThrownBy(() -> EndpointPolicy.builder().maxStoredBodyBytes(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("body limits must not be negative");
    }

    @Test
    void storesHeaderIgnoresCase() {
        EndpointPolicy policy = EndpointPolicy.builder().excludedResponseHeaders("X-Trace").build();

        assertThat(policy.storesHeader("x-TRACE")).isFalse();
        assertThat(policy.storesHeader("SET-COOKIE")).isFalse();
        assertThat(policy.storesHeader("Transfer-Encoding")).isFalse();
        assertThat(policy.storesHeader("Location")).isTrue();
    }
}
