package io.github.idempotency.spring.operation.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.IdempotencyHandlerInterceptor;
import io.github.idempotency.spring.boot.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.operation.testapp.OperationsTestConfiguration;
import io.github.idempotency.spring.operation.testapp.Orders.Order;
import io.github.idempotency.spring.operation.testapp.PaymentService;
import io.github.idempotency.spring.operation.testapp.RecordingListener;
import io.github.idempotency.spring.operation.testapp.RecordingListener.Decision;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * A Spring MVC application with both auto-configurations: both import the common store
 * configuration, and the HTTP engine and the runner share its one store.
 */
class WithTheSpringMvcAdapterTest {

    @Test
    void theHttpEngineAndTheRunnerShareOneStore() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class,
                        IdempotentOperationsAutoConfiguration.class))
                .withUserConfiguration(OperationsTestConfiguration.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(IdempotencyStore.class);
                    assertThat(context).hasSingleBean(IdempotencyEngine.class);
                    assertThat(context).hasSingleBean(IdempotencyHandlerInterceptor.class);
                    assertThat(context).hasSingleBean(IdempotentOperations.class);
                    Order order = new Order(UUID.randomUUID().toString(), "acme", 1);

                    context.getBean(PaymentService.class).charge(order);
                    context.getBean(PaymentService.class).charge(order);

                    assertThat(context.getBean(RecordingListener.class).decisions())
                            .extracting(Decision::outcome).containsExactly(Outcome.NEW, Outcome.REPLAYED);
                });
    }
}
