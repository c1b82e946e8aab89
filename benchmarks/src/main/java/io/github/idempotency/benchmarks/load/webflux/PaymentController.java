package io.github.idempotency.benchmarks.load.webflux;

import io.github.idempotency.spring.Idempotent;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /payments}: {@code 201} with the payment read from the JSON body, written back as JSON, as a {@code Mono}. */
@RestController
class PaymentController {

    /** The request and response body. */
    record Payment(long amount, String currency) {
    }

    private final AtomicLong lastId = new AtomicLong();

    @PostMapping("/payments")
    @Idempotent
    Mono<ResponseEntity<Payment>> create(@RequestBody Payment payment) {
        return Mono.just(ResponseEntity.created(URI.create("/payments/" + lastId.incrementAndGet())).body(payment));
    }
}
