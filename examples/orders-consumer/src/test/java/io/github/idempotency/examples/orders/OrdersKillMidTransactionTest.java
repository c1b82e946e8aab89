package io.github.idempotency.examples.orders;

import static io.github.idempotency.examples.orders.FaultInjection.BLOCKED_MARKER;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.boot.LocalServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A consumer killed with SIGKILL inside a booking's transaction, after its ledger insert, leaves
 * nothing committed; RabbitMQ redelivers the message to the other consumer, which books the order
 * once.
 */
class OrdersKillMidTransactionTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aConsumerKilledInsideTheTransactionLeavesNothingAndTheRedeliveryBooksTheOrderOnce() throws Exception {
        LocalServer.POSTGRESQL.requireRunning();
        LocalServer.RABBITMQ.requireRunning();
        OrdersDatabase.createEventsTable();
        String run = "kill-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String queue = "orders-test-" + run + "queue";
        Order order = new Order(run + "order-1", run + "customer", 1250);
        // Both consumers block on the order, but only the first booking of it blocks: the other consumer's stays free.
        Map<String, String> settings = Map.of("orders.queue", queue, "faults.block-on", order.id());

        try (OrderPublisher publisher = new OrderPublisher(queue);
                ConsumerProcess a = ConsumerProcess.start("kill-a", settings);
                ConsumerProcess b = ConsumerProcess.start("kill-b", settings)) {
            publisher.publish(List.of(order));
            ConsumerProcess killed = (ConsumerProcess) CompletableFuture.anyOf(
                    a.printed(BLOCKED_MARKER + order.id()), b.printed(BLOCKED_MARKER + order.id()))
                    .get(1, TimeUnit.MINUTES);
            ConsumerProcess survivor = killed == a ? b : a;

            assertThat(OrdersDatabase.ledgerRowsOf(order.id())).as("ledger rows committed while blocked").isZero();
            assertThat(OrdersDatabase.customerOrders(run)).as("counter committed while blocked").isZero();
            assertThat(OrdersDatabase.idempotencyRecordsOf(order.id())).as("records committed while blocked").isZero();

            killed.kill();
            OrdersDatabase.awaitUntil(Duration.ofMinutes(1), "the redelivered order booked",
                    () -> OrdersDatabase.ledgerRowsOf(order.id()) > 0);
            survivor.stop();

            assertThat(OrdersDatabase.ledgerRowsOf(order.id())).as("ledger rows").isEqualTo(1);
            assertThat(OrdersDatabase.bookedBy(order.id())).isEqualTo(survivor.name());
            assertThat(OrdersDatabase.customerOrders(run)).as("the customer's counter").isEqualTo(1);
            assertThat(OrdersDatabase.idempotencyRecordsOf(order.id())).as("idempotency records").isEqualTo(1);
            assertThat(OrdersDatabase.eventsOf(order.id())).isEqualTo(killed.name() + ":delivered," + killed.name()
                    + ":blocked," + survivor.name() + ":redelivered");
            assertThat(publisher.readyMessages()).isZero();
            System.out.printf("orders kill mid-transaction: %s blocked after its ledger insert with nothing committed,"
                    + " was killed with SIGKILL; %s got the redelivery and booked the order: %d ledger row, counter %d%n",
                    killed.name(), survivor.name(), OrdersDatabase.ledgerRowsOf(order.id()),
                    OrdersDatabase.customerOrders(run));
        }
    }
}
