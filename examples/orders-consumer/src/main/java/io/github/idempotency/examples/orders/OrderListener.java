package io.github.idempotency.examples.orders;

import io.github.idempotency.spring.operation.IdempotentOperation;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Books each order message once, however often RabbitMQ delivers it.
 *
 * <p>The method runs in a transaction on the application's data source, and the idempotency
 * record of the JDBC store joins it: the key is claimed, and the outcome stored, in the
 * transaction that writes the ledger row and the customer's totals. They commit together or roll
 * back together. A delivery whose transaction rolled back (an exception, a crash, a lost
 * connection) leaves nothing behind, its message goes back to the queue, and the redelivery books
 * the order. A delivery of an order already booked (a duplicate publish, or a redelivery after a
 * commit whose acknowledgement was lost) finds the committed record and does not run the method.
 * A duplicate delivered while the first delivery's transaction is still open waits for it (up to
 * {@code idempotency.operations.transaction-lock-timeout}) and then sees its outcome.
 */
@Component
public class OrderListener {

    private final OrderLedger ledger;

    /** @param ledger the application's tables */
    public OrderListener(OrderLedger ledger) {
        this.ledger = ledger;
    }

    /** @param order the order a message carries */
    @RabbitListener(queues = "${orders.queue}")
    @Transactional
    @IdempotentOperation(key = "#order.id", scope = "orders.book", inputs = "#order")
    public void book(Order order) {
        ledger.insert(order);
        ledger.addToCustomerTotals(order);
    }
}
