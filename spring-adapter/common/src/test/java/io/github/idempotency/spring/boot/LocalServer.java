package io.github.idempotency.spring.boot;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers on this machine that the tests run against. A test whose server does not accept
 * connections is skipped, except when the environment variable {@code CI} is {@code true}, where it
 * fails.
 */
public enum LocalServer {

    /** The local Redis. */
    REDIS("Redis", 6379, "redis://127.0.0.1:6379"),
    /** The local PostgreSQL, database {@code test}. */
    POSTGRESQL("PostgreSQL", 5432, "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=2"),
    /** The local MariaDB, database {@code test}, user {@code root} without a password. */
    MARIADB("MariaDB", 3306, "jdbc:mariadb://127.0.0.1:3306/test?user=root&connectTimeout=2000"),
    /** The local RabbitMQ, user {@code guest}. */
    RABBITMQ("RabbitMQ", 5672, "amqp://guest:guest@127.0.0.1:5672");

    private final String name;
    private final int port;
    private final String url;

    LocalServer(String name, int port, String url) {
        this.name = name;
        this.port = port;
        this.url = url;
    }

    /**
     * Skips (or, on CI, fails) the calling test unless the server accepts a connection.
     *
     * @return the URL the tests connect to
     */
    public String requireRunning() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return url;
        } catch (IOException e) {
            String problem = name + " at 127.0.0.1:" + port + " does not accept connections (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                return fail(problem + "; it is required when CI=true");
            }
            return Assumptions.abort(problem + "; skipping the test that needs it");
        }
    }
}
