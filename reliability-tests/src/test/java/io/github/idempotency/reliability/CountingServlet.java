package io.github.idempotency.reliability;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The handler of the test application: reads the whole request body, records the run in the
 * shared {@link Executions} and answers {@code 201} with a body unique to this run.
 */
final class CountingServlet extends HttpServlet {

    static final String REQUEST_ID = "X-Request-Id";

    private final Executions executions;
    private final String instance;

    CountingServlet(Executions executions, String instance) {
        this.executions = executions;
        this.instance = instance;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getInputStream().readAllBytes();
        String body;
        try {
            body = executions.run(String.valueOf(request.getHeader("Idempotency-Key")),
                    request.getHeader(REQUEST_ID), instance);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while held at the test's gate", e);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_CREATED);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
