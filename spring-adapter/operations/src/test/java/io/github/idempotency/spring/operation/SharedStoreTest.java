package io.github.idempotency.spring.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.boot.LocalServer;
import io.github.idempotency.spring.operation.boot.IdempotentOperationsAutoConfiguration;
import io.github.idempotency.spring.operation.testapp.Concurrent;
import io.github.idempotency.spring.operation.testapp.OperationsTestConfiguration;
import io.github.idempotency.spring.operation.testapp.Orders.Line;
import io.github.idempotency.spring.operation.testapp.Orders.Order;
import io.github.idempotency.spring.operation.testapp.Orders.Receipt;
import io.github.idempotency.spring.operation.testapp.PaymentService;
import io.github.idempotency.spring.testapp.Executions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Two application instances on one store, the local Redis or the local PostgreSQL: 32 concurrent
 * duplicates across both run the method once and all get its result, decoded from the store.
 */
class SharedStoreTest {

    private static final int DUPLICATES = 32;

    private final Executions executions = new Executions();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    IdempotentOperationsAutoConfiguration.class))
            .withBean(Executions.class, () -> executions)
            .withUserConfiguration(OperationsTestConfiguration.class);

    @Test
    void onRedis() throws Exception {
        String url = LocalServer.REDIS.requireRunning();
        runOnTwoInstances(runner.withPropertyValues("idempotency.store.type=redis", "idempotency.store.redis.url=" + url,
                "idempotency.store.redis.key-prefix=idempotency-spring-operations-test:" + UUID.randomUUID() + ":"));
    }

    @Test
    void onPostgresql() throws Exception {
        String url = LocalServer.POSTGRESQL.requireRunning();
        runOnTwoInstances(runner.withPropertyValues("spring.datasource.url=" + url, "idempotency.store.type=jdbc",
                "idempotency.store.jdbc.initialize-schema=always",
                "idempotency.store.jdbc.table-name=idempotency_spring_operations_test"));
    }

    private void runOnTwoInstances(ApplicationContextRunner instance) throws Exception {
        instance.run(first -> instance.run(second -> {
            List<PaymentService> instances = List.of(first.getBean(PaymentService.class),
                    second.getBean(PaymentService.class));
            Order order = new Order(UUID.randomUUID().toString(), "acme", 1250);

            List<Receipt> receipts = Concurrent.calls(DUPLICATES, i -> instances.get(i % 2).chargeWaiting(order));

            assertThat(executions.of(order.id())).isEqualTo(1);
            assertThat(receipts).hasSize(DUPLICATES).containsOnly(new Receipt(order.id(), 1250, 1));

            Order listed = new Order(UUID.randomUUID().toString(), "acme", 5);
            List<Line> lines = instances.get(0).invoice(listed);
            assertThat(instances.get(1).invoice(listed)).isEqualTo(lines).hasOnlyElementsOfType(Line.class);
            assertThat(executions.of(listed.id())).isEqualTo(1);
        }));
    }
}
