package io.github.idempotency.spring.webflux.testapp;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.testapp.Gate;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Guarded endpoints, as in the Spring MVC test application; every handler counts its runs per item. */
@RestController
@RequestMapping("/orders")
class ReactiveOrderController {

    private final Executions executions;
    private final Gate gate;
    private final AtomicLong ids = new AtomicLong();

    ReactiveOrderController(Executions executions, Gate gate) {
        this.executions = executions;
        this.gate = gate;
    }

    record OrderRequest(@NotBlank String item, @Positive int quantity) {
    }

    record Order(long id, String item, int quantity, String user, int run) {
    }

    @PostMapping
    @Idempotent(keyRequired = true)
    Mono<ResponseEntity<Order>> create(@Valid @RequestBody OrderRequest request, Principal principal) {
        Order order = new Order(ids.incrementAndGet(), request.item(), request.quantity(), principal.getName(),
                executions.record(request.item()));
        return Mono.just(ResponseEntity.created(URI.create("/orders/" + order.id())).body(order));
    }

    /** Waits at the gate, off the event loop, as blocking work must. */
    @PostMapping("/slow")
    @Idempotent(keyRequired = true)
    Mono<Order> createSlowly(@RequestBody OrderRequest request, Principal principal) {
        return Mono.fromCallable(() -> {
            int run = executions.record(request.item());
            gate.pass();
            return new Order(ids.incrementAndGet(), request.item(), request.quantity(), principal.getName(), run);
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping("/out-of-stock")
    @Idempotent(keyRequired = true)
    Mono<Order> createOutOfStock(@RequestBody OrderRequest request) {
        return Mono.error(new OutOfStockException(request.item(), executions.record(request.item())));
    }

    static final class OutOfStockException extends RuntimeException {
        final String item;
        final int run;

        OutOfStockException(String item, int run) {
            super("out of stock: " + item);
            this.item = item;
            this.run = run;
        }
    }
}
