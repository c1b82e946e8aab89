package io.github.idempotency.spring.testapp;

import io.github.idempotency.spring.Idempotent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.security.Principal;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Guarded endpoints; every handler counts its runs per item. */
@RestController
@RequestMapping("/orders")
class OrderController {

    private final Executions executions;
    private final Gate gate;
    private final AtomicLong ids = new AtomicLong();

    OrderController(Executions executions, Gate gate) {
        this.executions = executions;
        this.gate = gate;
    }

    record OrderRequest(@NotBlank String item, @Positive int quantity) {
    }

    record Order(long id, String item, int quantity, String user, int run) {
    }

    @PostMapping
    @Idempotent(keyRequired = true)
    ResponseEntity<Order> create(@Valid @RequestBody OrderRequest request, Principal principal) {
        Order order = new Order(ids.incrementAndGet(), request.item(), request.quantity(), principal.getName(),
                executions.record(request.item()));
        return ResponseEntity.created(URI.create("/orders/" + order.id())).body(order);
    }

    @PostMapping("/slow")
    @Idempotent(keyRequired = true)
    Order createSlowly(@RequestBody OrderRequest request, Principal principal) throws InterruptedException {
        int run = executions.record(request.item());
        gate.pass();
        return new Order(ids.incrementAndGet(), request.item(), request.quantity(), principal.getName(), run);
    }

    @PostMapping("/async")
    @Idempotent(keyRequired = true)
    Callable<Order> createAsync(@RequestBody OrderRequest request, Principal principal) {
        String user = principal.getName();
        return () -> new Order(ids.incrementAndGet(), request.item(), request.quantity(), user,
                executions.record(request.item()));
    }

    @PostMapping("/out-of-stock")
    @Idempotent(keyRequired = true)
    Order createOutOfStock(@RequestBody OrderRequest request) {
        throw new OutOfStockException(request.item(), executions.record(request.item()));
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
