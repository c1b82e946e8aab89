package io.github.idempotency.examples.webflux;

import io.github.idempotency.spring.Idempotent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Creates and lists the caller's payments, without blocking a thread. */
@RestController
@RequestMapping("/payments")
class PaymentController {

    private final ConcurrentMap<String, List<Payment>> paymentsByUser = new ConcurrentHashMap<>();
    private final Mono<Void> processing;

    /** @param processingDelay the simulated payment processor's latency, waited for on a timer */
    PaymentController(@Value("${payments.processing-delay}") Duration processingDelay) {
        this.processing = processingDelay.isZero() ? Mono.empty() : Mono.delay(processingDelay).then();
    }

    record PaymentRequest(@NotNull @Positive Long amount, @NotNull @Pattern(regexp = "[A-Z]{3}") String currency) {
    }

    record Payment(String id, long amount, String currency) {
    }

    @PostMapping
    @Idempotent(keyRequired = true)
    Mono<ResponseEntity<Payment>> create(@Valid @RequestBody PaymentRequest request, Principal principal) {
        return processing.then(Mono.fromSupplier(() -> {
            Payment payment = new Payment(UUID.randomUUID().toString(), request.amount(), request.currency());
            paymentsByUser.computeIfAbsent(principal.getName(), user -> new CopyOnWriteArrayList<>()).add(payment);
            return ResponseEntity.created(URI.create("/payments/" + payment.id())).body(payment);
        }));
    }

    @GetMapping
    Flux<Payment> list(Principal principal) {
        return Flux.fromIterable(paymentsByUser.getOrDefault(principal.getName(), List.of()));
    }
}
