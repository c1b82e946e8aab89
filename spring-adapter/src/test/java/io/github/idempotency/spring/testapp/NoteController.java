package io.github.idempotency.spring.testapp;

import io.github.idempotency.servlet.BufferedBodyRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** An endpoint without {@code @Idempotent}: the library must leave it alone. */
@RestController
class NoteController {

    private final Executions executions;

    NoteController(Executions executions) {
        this.executions = executions;
    }

    @PostMapping("/notes")
    String create(@RequestBody String text, HttpServletRequest request) {
        boolean buffered = BufferedBodyRequest.find(request).orElseThrow().isBuffered();
        return "note " + text + " buffered " + buffered + " run " + executions.record(text);
    }
}
