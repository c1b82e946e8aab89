package io.github.idempotency.benchmarks.load;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/** The endpoint under load: {@code POST} answers {@code 201} with the request's JSON echoed back. */
final class PaymentServlet extends HttpServlet {

    private final AtomicLong lastId = new AtomicLong();

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] payment = request.getInputStream().readAllBytes();
        response.setStatus(HttpServletResponse.SC_CREATED);
        response.setContentType("application/json");
        response.setHeader("Location", "/payments/" + lastId.incrementAndGet());
        response.setContentLength(payment.length);
        response.getOutputStream().write(payment);
    }
}
