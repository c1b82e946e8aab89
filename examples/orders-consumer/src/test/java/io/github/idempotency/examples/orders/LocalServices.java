package io.github.idempotency.examples.orders;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers on this machine that the consumer's tests need. A test whose server does not accept
 * connections is skipped, except when the environment variable {@code CI} is {@code true}, where
 * it fails.
 */
enum LocalServices {

    /** The local PostgreSQL, database {@code test}, user {@code postgres} (trust authentication). */
    POSTGRESQL("PostgreSQL", 5432),
    /** The local RabbitMQ, user {@code guest}. */
    RABBITMQ("RabbitMQ", 5672);

    private final String name;
    private final int port;

    LocalServices(String name, int port) {
        this.name = name;
        this.port = port;
    }

    /** Skips (or, on CI, fails) the calling test unless every server accepts a connection. */
    static void requireAll() {
        for (LocalServices server : values()) {
            server.requireRunning();
        }
    }

    private void requireRunning() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        } catch (IOException e) {
            String problem = name + " at 127.0.0.1:" + port + " does not accept connections (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                fail(problem + "; it is required when CI=true");
            }
            Assumptions.abort(problem + "; skipping the test that needs it");
        }
    }
}
