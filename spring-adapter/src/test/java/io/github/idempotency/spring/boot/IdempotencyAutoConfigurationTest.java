package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.StoreFailureMode;
import io.github.idempotency.core.TestRequest;
import io.github.idempotency.core.metrics.MicrometerIdempotencyListener;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.spring.IdempotencyCaptureFilter;
import io.github.idempotency.spring.IdempotencyHandlerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class IdempotencyAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

    @Test
    void defaultsToTheInMemoryStoreAndRegistersEveryPiece() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
            assertThat(context).hasSingleBean(IdempotencyEngine.class);
            assertThat(context).hasSingleBean(IdempotencyHandlerInterceptor.class);
            assertThat(context).hasSingleBean(IdempotencyCaptureFilter.class);
            assertThat(context).hasBean("idempotencyWebMvcConfigurer");
            assertThat(context).hasBean("idempotencyRequestListenerRegistration");
            assertThat(context.getBean(IdempotencyEngine.class).keyHeader()).isEqualTo("Idempotency-Key");
            assertThat(context.getBean(EndpointPolicy.class)).isEqualTo(EndpointPolicy.defaults());
            FilterRegistrationBean<?> filter = context.getBean("idempotencyFilterRegistration", FilterRegistrationBean.class);
            assertThat(filter.getOrder()).isEqualTo(IdempotencyCaptureFilter.ORDER)
                    .as("ahead of FormContentFilter, which reads form bodies").isLessThan(-9900);
            assertThat(filter.isAsyncSupported()).isTrue();
            assertThat(filter).extracting("dispatcherTypes").asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.iterable(jakarta.servlet.DispatcherType.class))
                    .containsExactlyInAnyOrder(jakarta.servlet.DispatcherType.REQUEST,
                            jakarta.servlet.DispatcherType.ASYNC, jakarta.servlet.DispatcherType.ERROR);
            assertThat(context).doesNotHaveBean(MicrometerIdempotencyListener.class);
        });
    }

    @Test
    void userStoreWins() {
        runner.withUserConfiguration(UserStore.class).run(context -> {
            assertThat(context).hasSingleBean(IdempotencyStore.class);
            assertThat(context).doesNotHaveBean(InMemoryIdempotencyStore.class);
            assertThat(context.getBean(IdempotencyStore.class)).isSameAs(context.getBean(UserStore.class).store);
        });
    }

    @Test
    void userScopeResolverWins() {
        ScopeResolver tenant = request -> request.headerValues("X-Tenant").toString();
        runner.withBean(ScopeResolver.class, () -> tenant)
                .run(context -> assertThat(context.getBean(ScopeResolver.class)).isSameAs(tenant));
    }

    @Test
    void disabledCreatesNothing() {
        runner.withPropertyValues("idempotency.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(IdempotencyEngine.class);
            assertThat(context).doesNotHaveBean(IdempotencyStore.class);
            assertThat(context).doesNotHaveBean(IdempotencyCaptureFilter.class);
            assertThat(context).doesNotHaveBean(IdempotencyHandlerInterceptor.class);
        });
    }

    @Test
    void notAServletWebApplicationCreatesNothing() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(IdempotencyEngine.class));
    }

    @Test
    void propertiesAreBoundIntoTheDefaultPolicyAndTheEngine() {
        runner.withPropertyValues(
                        "idempotency.header-name=X-Request-Key",
                        "idempotency.methods=POST,PUT",
                        "idempotency.key-required=true",
                        "idempotency.ttl=2h",
                        "idempotency.lease=10s",
                        "idempotency.max-request-body=64KB",
                        "idempotency.max-stored-body=2MB",
                        "idempotency.storage-policy=all",
                        "idempotency.concurrency.mode=wait",
                        "idempotency.concurrency.max-wait=3s",
                        "idempotency.store-failure-mode=fail-open",
                        "idempotency.excluded-response-headers=X-Trace",
                        "idempotency.stored-response-headers=Date",
                        "idempotency.store.type=memory",
                        "idempotency.store.memory.maximum-size=16MB")
                .run(context -> {
                    IdempotencyProperties properties = context.getBean(IdempotencyProperties.class);
                    assertThat(properties.getStoreFailureMode()).isEqualTo(StoreFailureMode.FAIL_OPEN);
                    assertThat(properties.getStore().getMemory().getMaximumSize().toMegabytes()).isEqualTo(16);
                    assertThat(context.getBean(IdempotencyEngine.class).keyHeader()).isEqualTo("X-Request-Key");

                    EndpointPolicy policy = context.getBean(EndpointPolicy.class);
                    assertThat(policy.methods()).containsExactlyInAnyOrder("POST", "PUT");
                    assertThat(policy.keyRequired()).isTrue();
                    assertThat(policy.ttl()).isEqualTo(Duration.ofHours(2));
                    assertThat(policy.lease()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(policy.maxRequestBodyBytes()).isEqualTo(64 * 1024);
                    assertThat(policy.maxStoredBodyBytes()).isEqualTo(2 * 1024 * 1024);
                    assertThat(policy.storagePolicy().shouldStore(503)).isTrue();
                    assertThat(policy.concurrency().maxWait()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(policy.excludedResponseHeaders()).as("added to the defaults, one default stored")
                            .contains("set-cookie", "x-auth-token", "x-trace").doesNotContain("date");
                });
    }

    @Test
    void defaultPropertiesGiveTheDefaultPolicy() {
        runner.run(context -> {
            EndpointPolicy policy = context.getBean(EndpointPolicy.class);
            assertThat(policy.methods()).isEqualTo(Set.of("POST", "PATCH"));
            assertThat(policy.keyRequired()).isFalse();
            assertThat(policy.storagePolicy().shouldStore(503)).isFalse();
            assertThat(policy.concurrency().waits()).isFalse();
        });
    }

    @Test
    void waitingWithoutAPositiveMaxWaitFailsStartupWithTheProperty() {
        runner.withPropertyValues("idempotency.concurrency.mode=wait", "idempotency.concurrency.max-wait=0s")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("idempotency.concurrency.max-wait must be positive"));
    }

    @Test
    void problemTypesComeFromTheConfiguredBase() {
        runner.withPropertyValues("idempotency.problem-type-base=https://api.example.com/problems/")
                .run(context -> {
                    Decision decision = context.getBean(IdempotencyEngine.class).decide(TestRequest.post("/payments"),
                            EndpointPolicy.builder().keyRequired(true).build());

                    assertThat(decision).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.type(Decision.Reject.class))
                            .extracting(reject -> reject.problem().type().toString())
                            .isEqualTo("https://api.example.com/problems/missing-idempotency-key");
                });
    }

    @Test
    void aProblemTypeBaseThatIsNotAnAbsoluteDirectoryFailsStartup() {
        runner.withPropertyValues("idempotency.problem-type-base=https://api.example.com/problems")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(IdempotencyConfigurationException.class)
                        .hasMessageStartingWith("Invalid idempotency.problem-type-base: https://api.example.com/problems is not"
                                + " an absolute URI ending with a slash"));
    }

    @Test
    void unknownStoreTypeFailsStartup() {
        runner.withPropertyValues("idempotency.store.type=cassandra")
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    while (failure != null && !(failure instanceof BindException)) {
                        failure = failure.getCause();
                    }
                    assertThat(failure).isInstanceOf(BindException.class);
                    assertThat(((BindException) failure).getProperty().getName().toString()).isEqualTo("idempotency.store.type");
                });
    }

    @Test
    void micrometerListenerWhenAMeterRegistryIsPresent() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(MicrometerIdempotencyListener.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find(MicrometerIdempotencyListener.OUTCOMES).tag("outcome", "replayed").counter())
                    .isNotNull();
        });
    }

    @Test
    void startsWithoutMicrometerOnTheClassPath() {
        runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(IdempotencyEngine.class);
                    assertThat(context).doesNotHaveBean(MicrometerIdempotencyListener.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserStore {
        final IdempotencyStore store = request -> {
            throw new UnsupportedOperationException("never called in this test");
        };

        @Bean
        IdempotencyStore myStore() {
            return store;
        }
    }
}
