package io.github.idempotency.spring.operation.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.metrics.MicrometerIdempotencyListener;
import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.core.operation.OperationEncodingException;
import io.github.idempotency.core.operation.OperationInProgressException;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.spring.boot.IdempotencyProperties;
import io.github.idempotency.spring.operation.IdempotentOperation;
import io.github.idempotency.spring.operation.IdempotentOperationAdvisor;
import io.github.idempotency.spring.operation.jdbc.TransactionalOperations;
import io.github.idempotency.spring.operation.testapp.InFlight;
import io.github.idempotency.spring.operation.testapp.OperationsTestConfiguration;
import io.github.idempotency.spring.operation.testapp.Orders.Order;
import io.github.idempotency.spring.operation.testapp.PaymentService;
import io.github.idempotency.spring.operation.testapp.RecordingListener;
import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.testapp.Gate;
import io.github.idempotency.spring.testapp.Gates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The auto-configuration in an application without a web stack: the runner and the advisor on the
 * store of the common configuration, no HTTP engine, and the properties.
 */
class IdempotentOperationsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotentOperationsAutoConfiguration.class))
            .withUserConfiguration(OperationsTestConfiguration.class);

    private final InFlight inFlight = new InFlight();

    @AfterEach
    void stopThreads() {
        inFlight.close();
    }

    @Test
    void aNonWebApplicationGetsTheRunnerAndTheAdvisorOnTheStoreAndNoHttpEngine() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(IdempotentOperations.class);
            assertThat(context).hasSingleBean(IdempotentOperationAdvisor.class);
            assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
            assertThat(context).hasSingleBean(IdempotencyProperties.class);
            assertThat(context).doesNotHaveBean(IdempotencyEngine.class);
            assertThat(context).doesNotHaveBean(EndpointPolicy.class);
            assertThat(context).doesNotHaveBean(ScopeResolver.class);
            assertThat(AopUtils.isCglibProxy(context.getBean(PaymentService.class))).isTrue();
            assertThat(context.getBean(IdempotentOperationAdvisor.class).getOrder()).isEqualTo(Ordered.LOWEST_PRECEDENCE);
        });
    }

    @Test
    void disabledCreatesNothingAndAnnotatedMethodsRunOnEveryCall() {
        runner.withPropertyValues("idempotency.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(IdempotentOperations.class);
            assertThat(context).doesNotHaveBean(IdempotentOperationAdvisor.class);
            assertThat(context).doesNotHaveBean(IdempotencyStore.class);
            assertThat(context).doesNotHaveBean(IdempotencyProperties.class);
            PaymentService payments = context.getBean(PaymentService.class);
            assertThat(AopUtils.isAopProxy(payments)).isFalse();
            Order order = new Order(UUID.randomUUID().toString(), "acme", 1);

            payments.charge(order);
            payments.charge(order);

            assertThat(context.getBean(Executions.class).of(order.id())).isEqualTo(2);
        });
    }

    @Test
    void theApplicationsRunnerIsTheOneAnnotatedMethodsUse() {
        RecordingListener own = new RecordingListener();
        runner.withBean("ownRunner", IdempotentOperations.class,
                        () -> IdempotentOperations.builder(InMemoryIdempotencyStore.builder().build()).listener(own).build())
                .run(context -> {
                    assertThat(context).hasSingleBean(IdempotentOperations.class);

                    context.getBean(PaymentService.class).charge(new Order(UUID.randomUUID().toString(), "acme", 1));

                    assertThat(own.decisions()).hasSize(1);
                    assertThat(context.getBean(RecordingListener.class).decisions()).isEmpty();
                });
    }

    @Test
    void thePropertiesConfigureTheRunnerAndTheAdvisor() {
        runner.withPropertyValues("idempotency.operations.in-progress-retry-after=7s", "idempotency.operations.order=10")
                .run(context -> {
                    assertThat(context.getBean(IdempotentOperationAdvisor.class).getOrder()).isEqualTo(10);
                    PaymentService payments = context.getBean(PaymentService.class);
                    Order order = new Order(UUID.randomUUID().toString(), "acme", 1);
                    Gate gate = context.getBean(Gates.class).named(order.id());
                    Future<?> first = inFlight.startHeld(gate, () -> payments.chargeHeld(order, order.id()));

                    assertThatThrownBy(() -> payments.chargeHeld(order, order.id()))
                            .isInstanceOfSatisfying(OperationInProgressException.class,
                                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
                    gate.open();
                    first.get(10, TimeUnit.SECONDS);
                });
    }

    @Test
    void theConfiguredMaxWaitAppliesToMethodsThatNameNone() {
        runner.withPropertyValues("idempotency.operations.max-wait=20s").run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = new Order(UUID.randomUUID().toString(), "acme", 1);
            Gate gate = context.getBean(Gates.class).named(order.id());
            Future<?> first = inFlight.startHeld(gate, () -> payments.chargeHeld(order, order.id()));
            Future<?> duplicate = inFlight.startWaiting(context.getBean(RecordingListener.class),
                    () -> payments.chargeHeld(order, order.id()));
            assertThat(duplicate).isNotDone();

            gate.open();

            assertThat(duplicate.get(10, TimeUnit.SECONDS)).isEqualTo(first.get(10, TimeUnit.SECONDS));
            assertThat(context.getBean(Executions.class).of(order.id())).isEqualTo(1);
        });
    }

    @Test
    void invalidPropertiesFailStartupNamingThem() {
        runner.withPropertyValues("idempotency.operations.lease=0s").run(context -> assertThat(context)
                .getFailure().hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasStackTraceContaining("Invalid idempotency.operations.* properties"));
        runner.withPropertyValues("idempotency.operations.max-wait=-1s").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("Invalid idempotency.operations.* properties: maxWait must not be"
                        + " negative"));
    }

    @Test
    void aStoreTypeThatCannotBeBuiltFailsStartupWithTheCommonMessage() {
        runner.withPropertyValues("idempotency.store.type=jdbc").run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("idempotency.store.type is jdbc, but the application has no DataSource bean"));
    }

    @Test
    void theRunnerJoiningTransactionsExistsWithTheJdbcStoreAndSpringsTransactionSupport() {
        ApplicationContextRunner jdbc = runner
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID(),
                        "idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always");
        jdbc.run(context -> assertThat(context).hasSingleBean(TransactionalOperations.class)
                .hasSingleBean(IdempotentOperations.class));
        jdbc.withPropertyValues("idempotency.operations.join-transactions=false")
                .run(context -> assertThat(context).doesNotHaveBean(TransactionalOperations.class));
        jdbc.withClassLoader(new FilteredClassLoader(TransactionSynchronizationManager.class))
                .run(context -> assertThat(context).doesNotHaveBean(TransactionalOperations.class)
                        .hasSingleBean(IdempotentOperations.class));
        jdbc.withPropertyValues("idempotency.operations.transaction-lock-timeout=0s").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("Invalid idempotency.operations.transaction-lock-timeout:"
                        + " lockTimeout must be between 1 ms"));
        runner.run(context -> assertThat(context).doesNotHaveBean(TransactionalOperations.class));
    }

    @Test
    void theApplicationsObjectMapperEncodesResultsWithItsModules() {
        ApplicationContextRunner stamps = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IdempotentOperationsAutoConfiguration.class))
                .withBean(Stamps.class);
        stamps.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class)).run(context -> {
            Stamps bean = context.getBean(Stamps.class);
            String id = UUID.randomUUID().toString();

            Stamp first = bean.stamp(id);

            assertThat(bean.stamp(id)).isEqualTo(first);
        });
        stamps.run(context -> assertThatThrownBy(() -> context.getBean(Stamps.class).stamp("no-java-time-module"))
                .isInstanceOfSatisfying(OperationEncodingException.class,
                        e -> assertThat(e.part()).isEqualTo(OperationEncodingException.Part.RESULT)));
    }

    @Test
    void withAMeterRegistryOperationsAreCounted() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(MicrometerIdempotencyListener.class);
            Order order = new Order(UUID.randomUUID().toString(), "acme", 1);

            context.getBean(PaymentService.class).charge(order);
            context.getBean(PaymentService.class).charge(order);

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.counter(MicrometerIdempotencyListener.OUTCOMES, "outcome", Outcome.NEW.tag()).count())
                    .isEqualTo(1);
            assertThat(registry.counter(MicrometerIdempotencyListener.OUTCOMES, "outcome", Outcome.REPLAYED.tag()).count())
                    .isEqualTo(1);
        });
    }

    /**
     * @param id the stamp's id
     * @param at when it was made
     */
    record Stamp(String id, Instant at) {
    }

    static class Stamps {
        @IdempotentOperation(key = "#id")
        public Stamp stamp(String id) {
            return new Stamp(id, Instant.now());
        }
    }
}
