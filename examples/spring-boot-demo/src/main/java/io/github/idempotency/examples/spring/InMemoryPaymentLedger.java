package io.github.idempotency.examples.spring;

import io.github.idempotency.examples.spring.Payments.Payment;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Repository;

/** The payments in memory, when the demo runs without a database. */
@Repository
@Profile("!jdbc")
class InMemoryPaymentLedger implements PaymentLedger {

    private final ConcurrentMap<String, List<Payment>> paymentsByUser = new ConcurrentHashMap<>();

    @Override
    public void add(String user, Payment payment) {
        paymentsByUser.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).add(payment);
    }

    @Override
    public List<Payment> of(String user) {
        return paymentsByUser.getOrDefault(user, List.of());
    }
}
