package io.github.idempotency.spring.operation.testapp;

import io.github.idempotency.spring.operation.IdempotentOperation;
import io.github.idempotency.spring.operation.testapp.Orders.OrderPlaced;
import io.github.idempotency.spring.testapp.Executions;
import org.springframework.context.event.EventListener;

/** Listens to application events, once per order. */
public class OrderEvents {

    private final Executions executions;

    /** @param executions counts runs */
    public OrderEvents(Executions executions) {
        this.executions = executions;
    }

    /** @param event an order was placed */
    @EventListener
    @IdempotentOperation(key = "#event.orderId")
    public void onOrderPlaced(OrderPlaced event) {
        executions.record(event.orderId());
    }
}
