package io.github.idempotency.examples.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The demo payments API: {@code POST /payments} creates a payment, {@code GET /payments} lists the
 * caller's payments, {@code GET /payments/{id}} shows one. Callers are authenticated by the
 * container; each sees only their own payments.
 */
final class PaymentsServlet extends HttpServlet {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private final PaymentProcessor processor;
    private final Map<String, List<Payment>> paymentsByUser = new ConcurrentHashMap<>();

    PaymentsServlet(PaymentProcessor processor) {
        this.processor = processor;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getPathInfo() != null && !request.getPathInfo().equals("/")) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.getInputStream());
        } catch (IOException notJson) {
            badRequest(response, "the body is not valid JSON");
            return;
        }
        if (body == null || !body.isObject()) {
            badRequest(response, "the body must be a JSON object such as {\"amount\": 1250, \"currency\": \"EUR\"}");
            return;
        }
        JsonNode amount = body.get("amount");
        if (amount == null || !amount.canConvertToExactIntegral() || !amount.canConvertToLong() || amount.asLong() <= 0) {
            badRequest(response, "amount must be a positive whole number of minor units (cents), such as 1250");
            return;
        }
        JsonNode currency = body.get("currency");
        if (currency == null || !currency.isTextual() || !CURRENCY.matcher(currency.asText()).matches()) {
            badRequest(response, "currency must be an ISO 4217 code of three capital letters, such as \"EUR\"");
            return;
        }
        Payment payment = new Payment("pay_" + UUID.randomUUID().toString().replace("-", ""),
                amount.asLong(), currency.asText());
        try {
            processor.process(payment);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "interrupted while processing");
            return;
        }
        paymentsOf(request).add(payment);
        response.setStatus(HttpServletResponse.SC_CREATED);
        response.setHeader("Location", "/payments/" + payment.id());
        writeJson(response, payment);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<Payment> payments = paymentsOf(request);
        String pathInfo = request.getPathInfo();
        if (pathInfo == null || pathInfo.equals("/")) {
            writeJson(response, payments);
            return;
        }
        String id = pathInfo.substring(1);
        for (Payment payment : payments) {
            if (payment.id().equals(id)) {
                writeJson(response, payment);
                return;
            }
        }
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        writeJson(response, error("no payment " + id));
    }

    private List<Payment> paymentsOf(HttpServletRequest request) {
        return paymentsByUser.computeIfAbsent(request.getRemoteUser(), user -> new CopyOnWriteArrayList<>());
    }

    private static void badRequest(HttpServletResponse response, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        writeJson(response, error(message));
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void writeJson(HttpServletResponse response, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
