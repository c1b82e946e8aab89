package io.github.idempotency.benchmarks.load;

import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server under load, run in its own JVM by {@link LoadBenchmark} so that the load generator's
 * work never shows in the server's heap or JIT profile. Serves one {@link ServerSetup} on a free
 * loopback port, prints {@value #PORT_LINE}{@code <port>} on standard output once it accepts
 * connections, and stops when its standard input ends.
 */
public final class BenchServer {

    /** The start of the line announcing the port. */
    static final String PORT_LINE = "listening on port ";

    private BenchServer() {
    }

    /** @param args the {@link ServerSetup} name */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BenchServer <setup>, one of " + java.util.Arrays.toString(ServerSetup.values()));
        }
        ServerSetup setup = ServerSetup.valueOf(args[0]);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        Optional<AutoCloseable> resources = setup.mount(context);
        server.setHandler(context);
        server.start();
        System.out.println(PORT_LINE + connector.getLocalPort());
        System.out.flush();
        try {
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        } finally {
            server.stop();
            if (resources.isPresent()) {
                resources.get().close();
            }
        }
    }
}
