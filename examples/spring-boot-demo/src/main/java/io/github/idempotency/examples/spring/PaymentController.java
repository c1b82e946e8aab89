package io.github.idempotency.examples.spring;

import io.github.idempotency.examples.spring.Payments.Payment;
import io.github.idempotency.examples.spring.Payments.PaymentRequest;
import io.github.idempotency.spring.Idempotent;
import jakarta.validation.Valid;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Creates and lists the caller's payments. */
@RestController
@RequestMapping("/payments")
class PaymentController {

    private final Payments payments;
    private final PaymentLedger ledger;
    private final Duration processingDelay;

    PaymentController(Payments payments, PaymentLedger ledger,
            @Value("${payments.processing-delay}") Duration processingDelay) {
        this.payments = payments;
        this.ledger = ledger;
        this.processingDelay = processingDelay;
    }

    @PostMapping
    @Idempotent(keyRequired = true)
    ResponseEntity<Payment> create(@Valid @RequestBody PaymentRequest request, Principal principal)
            throws InterruptedException {
        if (processingDelay.toMillis() > 0) {
            Thread.sleep(processingDelay.toMillis()); // the simulated payment processor
        }
        Payment payment = payments.create(principal.getName(), request);
        return ResponseEntity.created(URI.create("/payments/" + payment.id())).body(payment);
    }

    @GetMapping
    List<Payment> list(Principal principal) {
        return ledger.of(principal.getName());
    }
}
