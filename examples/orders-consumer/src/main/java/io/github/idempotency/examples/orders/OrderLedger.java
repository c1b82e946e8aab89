package io.github.idempotency.examples.orders;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The application's own tables ({@code schema.sql}): the ledger, one row per booking, and the
 * per-customer totals that booking an order adds to. The ledger has no unique constraint on the
 * order id: only the idempotency record keeps an order from being booked twice.
 */
@Repository
public class OrderLedger {

    private final JdbcTemplate jdbc;
    private final String instance;

    /**
     * @param jdbc the application's JdbcTemplate, which joins the caller's transaction
     * @param instance this consumer's name, written into each ledger row
     */
    public OrderLedger(JdbcTemplate jdbc, @Value("${orders.instance}") String instance) {
        this.jdbc = jdbc;
        this.instance = instance;
    }

    /** @param order the order to write a ledger row for */
    public void insert(Order order) {
        jdbc.update("INSERT INTO orders_ledger (order_id, customer_id, amount_cents, booked_by) VALUES (?, ?, ?, ?)",
                order.id(), order.customerId(), order.amountCents(), instance);
    }

    /** @param order the order to add to its customer's totals */
    public void addToCustomerTotals(Order order) {
        jdbc.update("INSERT INTO orders_customer_totals (customer_id, orders, amount_cents) VALUES (?, 1, ?)"
                + " ON CONFLICT (customer_id) DO UPDATE SET orders = orders_customer_totals.orders + 1,"
                + " amount_cents = orders_customer_totals.amount_cents + EXCLUDED.amount_cents",
                order.customerId(), order.amountCents());
    }
}
