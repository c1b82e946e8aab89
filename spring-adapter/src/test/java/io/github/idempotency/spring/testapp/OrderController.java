package io.github.idempotency.spring.testapp;

import io.github.idempotency.spring.Idempotent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.WebAsyncTask;

/** Guarded endpoints; every handler counts its runs per item. */
@RestController
@RequestMapping("/orders")
class OrderController {

    private final Executions executions;
    private final Gate gate;
    private final Gates gates;
    private final AtomicLong ids = new AtomicLong();

    OrderController(Executions executions, Gate gate, Gates gates) {
        this.executions = executions;
        this.gate = gate;
        this.gates = gates;
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

    @PostMapping("/twice")
    @Idempotent(keyRequired = true)
    ResponseEntity<Order> createUnderTwoInterceptors(@RequestBody OrderRequest request, Principal principal) {
        return create(request, principal);
    }

    /** Times out after 200 ms while its work waits at the gate named in X-Hold. */
    @PostMapping("/async-timeout")
    @Idempotent(keyRequired = true)
    WebAsyncTask<Order> createAsyncTimingOut(@RequestBody OrderRequest request, Principal principal,
            @RequestHeader("X-Hold") String hold) {
        String user = principal.getName();
        int run = executions.record(request.item());
        return new WebAsyncTask<>(200, () -> {
            gates.pass(hold);
            return new Order(ids.incrementAndGet(), request.item(), request.quantity(), user, run);
        });
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
