package io.github.idempotency.benchmarks.load;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** An embedded Jetty with its default settings, on a free loopback port, serving one servlet context. */
final class JettyServer implements RunningServer {

    /** Puts servlets and filters into the context; returns what to close after the server has stopped. */
    @FunctionalInterface
    interface Mount {
        AutoCloseable into(ServletContextHandler context) throws Exception;
    }

    private final Server server;
    private final int port;
    private final AutoCloseable resources;

    private JettyServer(Server server, int port, AutoCloseable resources) {
        this.server = server;
        this.port = port;
        this.resources = resources;
    }

    static JettyServer start(Mount mount) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        AutoCloseable resources = mount.into(context);
        server.setHandler(context);
        server.start();
        return new JettyServer(server, connector.getLocalPort(), resources);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            resources.close();
        }
    }
}
