package io.github.idempotency.spring.operation.web;

import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.operation.IdempotentOperation;
import java.util.UUID;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring MVC application whose {@code @Idempotent} handler calls a {@code @Transactional} service
 * method annotated {@code @IdempotentOperation} without a key: the method runs once per
 * {@code Idempotency-Key} of the request, and its payment row commits with its record. The scope of
 * a request is its {@code Tenant} header, standing for the principal of a real application.
 */
@SpringBootApplication
public class RequestKeyedPaymentsApplication {

    static final String TABLE = "request_keyed_payments";

    record PaymentRequest(long amount) {
    }

    record Payment(String id, long amount) {
    }

    @Bean
    ScopeResolver tenantScope() {
        return request -> String.join(",", request.headerValues("Tenant"));
    }

    @Bean
    Payments payments(JdbcTemplate jdbc) {
        jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id VARCHAR(36) PRIMARY KEY, amount BIGINT NOT NULL)");
        return new Payments(jdbc);
    }

    /** Writes payments, once per key of the request that asks for one. */
    public static class Payments {

        private final JdbcTemplate jdbc;

        Payments(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Transactional
        @IdempotentOperation(scope = "payments.create")
        public Payment create(PaymentRequest request) {
            Payment payment = new Payment(UUID.randomUUID().toString(), request.amount());
            jdbc.update("INSERT INTO " + TABLE + " (id, amount) VALUES (?, ?)", payment.id(), payment.amount());
            return payment;
        }
    }

    @RestController
    static class PaymentController {

        private final Payments payments;

        PaymentController(Payments payments) {
            this.payments = payments;
        }

        /** With {@code Fail-After-Commit}, fails once the payment committed, before any response is sent. */
        @PostMapping("/payments")
        @Idempotent(keyRequired = true)
        ResponseEntity<Payment> create(@RequestBody PaymentRequest request,
                @RequestHeader(name = "Fail-After-Commit", required = false) String failAfterCommit) {
            Payment payment = payments.create(request);
            if (failAfterCommit != null) {
                throw new IllegalStateException("failed after the payment committed");
            }
            return ResponseEntity.status(201).body(payment);
        }

        @PostMapping("/unguarded-payments")
        ResponseEntity<Payment> createUnguarded(@RequestBody PaymentRequest request) {
            return ResponseEntity.status(201).body(payments.create(request));
        }
    }
}
