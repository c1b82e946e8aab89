package io.github.idempotency.examples.spring;

import io.github.idempotency.examples.spring.Payments.Payment;
import java.util.List;

/** Where the payments are kept: in memory, or in the database when the store is one. */
interface PaymentLedger {

    /** Adds a payment of {@code user}, in the caller's transaction when there is one. */
    void add(String user, Payment payment);

    /** @return the payments of {@code user}, oldest first */
    List<Payment> of(String user);
}
