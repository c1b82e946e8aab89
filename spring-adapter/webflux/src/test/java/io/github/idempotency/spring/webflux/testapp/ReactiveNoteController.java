package io.github.idempotency.spring.webflux.testapp;

import io.github.idempotency.spring.testapp.Executions;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** An endpoint without {@code @Idempotent}: the library must leave it alone. */
@RestController
class ReactiveNoteController {

    private final Executions executions;

    ReactiveNoteController(Executions executions) {
        this.executions = executions;
    }

    @PostMapping("/notes")
    Mono<String> create(@RequestBody String text) {
        return Mono.just("note " + text + " run " + executions.record(text));
    }
}
