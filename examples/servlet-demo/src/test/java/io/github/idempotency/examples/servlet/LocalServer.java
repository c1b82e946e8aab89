package io.github.idempotency.examples.servlet;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers on this machine that the store tests need. A test whose server does not accept
 * connections is skipped, except when the environment variable {@code CI} is {@code true}, where
 * it fails.
 */
enum LocalServer {

    REDIS("Redis", 6379),
    POSTGRESQL("PostgreSQL", 5432);

    private final String name;
    private final int port;

    LocalServer(String name, int port) {
        this.name = name;
        this.port = port;
    }

    /** Skips (or, on CI, fails) the calling test unless the server accepts a connection. */
    void requireRunning() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        } catch (IOException e) {
            String problem = name + " at 127.0.0.1:" + port + " does not accept connections (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                fail(problem + "; it is required when CI=true");
            }
            Assumptions.abort(problem + "; skipping the test that runs the demo on it");
        }
    }
}
