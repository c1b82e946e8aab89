package io.github.idempotency.spring.operation.jdbc;

import io.github.idempotency.spring.operation.testapp.Orders.GatewayTimeoutException;
import org.springframework.transaction.annotation.Transactional;

/** Books an order in a transaction of its own that then fails, after the operation returned. */
public class Checkout {

    private final Ledger ledger;

    /** @param ledger the ledger */
    public Checkout(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * @param orderId the order
     * @param amount what is booked
     */
    @Transactional
    public void bookThenFail(String orderId, long amount) {
        ledger.book(orderId, amount, false);
        throw new GatewayTimeoutException("the checkout failed after booking " + orderId);
    }
}
