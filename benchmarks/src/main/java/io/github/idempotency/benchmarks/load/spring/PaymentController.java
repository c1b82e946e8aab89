package io.github.idempotency.benchmarks.load.spring;

import io.github.idempotency.spring.Idempotent;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /payments}: {@code 201} with the payment read from the JSON body, written back as JSON;
 * {@code POST /orders}: the same with a larger body (200 bytes, a nested object).
 */
@RestController
class PaymentController {

    /** The request and response body. */
    record Payment(long amount, String currency) {
    }

    /** The {@code /orders} request and response body. */
    record Order(long amount, String currency, String reference, String description, Customer customer,
            int quantity, boolean express) {
    }

    /** The customer of an {@link Order}. */
    record Customer(String id, String email, String country) {
    }

    private final AtomicLong lastId = new AtomicLong();

    @PostMapping("/payments")
    @Idempotent
    ResponseEntity<Payment> create(@RequestBody Payment payment) {
        return ResponseEntity.created(URI.create("/payments/" + lastId.incrementAndGet())).body(payment);
    }

    @PostMapping("/orders")
    @Idempotent
    ResponseEntity<Order> order(@RequestBody Order order) {
        return ResponseEntity.created(URI.create("/orders/" + lastId.incrementAndGet())).body(order);
    }
}
