package io.github.idempotency.examples.servlet;

import java.time.Duration;

/**
 * Starts the demo: {@code java -jar servlet-demo.jar}. Environment: {@code PORT} (default 8080) and
 * {@code PAYMENTS_PROCESSING_DELAY_MS} (default 0), the time each payment takes.
 */
public final class ServletDemo {

    private ServletDemo() {
    }

    public static void main(String[] args) throws Exception {
        int port = (int) number("PORT", 8080, 0, 65535);
        long delayMillis = number("PAYMENTS_PROCESSING_DELAY_MS", 0, 0, Long.MAX_VALUE);
        DemoServer server = new DemoServer(port, PaymentProcessor.withLatency(Duration.ofMillis(delayMillis)));
        server.start();
        System.out.println("servlet-demo listening on http://localhost:" + server.port()
                + "/payments (users alice/alice-pass and bob/bob-pass)");
        server.join();
    }

    private static long number(String name, long defaultValue, long min, long max) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        System.err.println("environment variable " + name + "=\"" + value + "\" must be a whole number from "
                + min + " to " + max);
        System.exit(2);
        return defaultValue;
    }
}
