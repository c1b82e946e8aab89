package io.github.idempotency.examples.orders;

/**
 * An order message, as producers publish it in JSON:
 * {@code {"id": "order-1001", "customerId": "alice", "amountCents": 1250}}.
 *
 * @param id the order's id, unique per order: the idempotency key
 * @param customerId who placed it
 * @param amountCents its amount, in cents
 */
public record Order(String id, String customerId, long amountCents) {
}
