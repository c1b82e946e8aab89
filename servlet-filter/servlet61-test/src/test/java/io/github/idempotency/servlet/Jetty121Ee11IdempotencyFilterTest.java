package io.github.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.Test;

/** The servlet filter's container tests over embedded Jetty 12.1 with its ee11 (Servlet 6.1) environment. */
class Jetty121Ee11IdempotencyFilterTest extends Servlet61FilterHttpTest {

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

    @Test
    void runsOnJetty121() {
        assertThat(Jetty.VERSION).startsWith("12.1.");
    }
}
