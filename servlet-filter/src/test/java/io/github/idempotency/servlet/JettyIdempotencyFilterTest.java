package io.github.idempotency.servlet;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The protocol over embedded Jetty 12 (ee10). */
class JettyIdempotencyFilterTest extends IdempotencyFilterHttpTest {

    private Server server;

    @Override
    protected int start(TestApplication app) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServletContainerInitializer(app);
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    @Override
    protected void stop() throws Exception {
        server.stop();
    }
}
