package io.github.idempotency.examples.servlet;

/**
 * Starts the demo: {@code java -jar servlet-demo.jar}, configured by the environment variables
 * that {@link DemoSettings} lists (port, processing delay, store, lease).
 */
public final class ServletDemo {

    private ServletDemo() {
    }

    public static void main(String[] args) throws Exception {
        DemoSettings settings;
        DemoServer server;
        try {
            settings = DemoSettings.fromEnvironment(System.getenv());
            server = new DemoServer(settings, PaymentProcessor.withLatency(settings.processingDelay()));
        } catch (RuntimeException e) {
            System.err.println("servlet-demo cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        server.start();
        System.out.println("servlet-demo listening on http://localhost:" + server.port()
                + "/payments (users alice/alice-pass and bob/bob-pass), idempotency store: "
                + server.storeDescription());
        server.join();
    }
}
