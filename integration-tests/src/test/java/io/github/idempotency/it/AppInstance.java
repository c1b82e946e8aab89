package io.github.idempotency.it;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.servlet.IdempotencyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One application instance: an embedded Jetty 12 server on a free port with its own
 * {@link IdempotencyFilter} (key required on {@code POST /orders}) and engine, over its own store
 * client. Instances share nothing but the store's server and the servlet given to them.
 */
final class AppInstance implements AutoCloseable {

    static final String PATH = "/orders";

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final InstanceStore store;
    private final IdempotencyEngine engine;

    private AppInstance(InstanceStore store, HttpServlet application) {
        this.store = store;
        this.engine = IdempotencyEngine.builder(store.store()).build();
        IdempotencyFilter idempotency = IdempotencyFilter.builder(engine)
                .policy(EndpointPolicy.builder().keyRequired(true).build())
                .paths(PATH)
                .build();
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(idempotency), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(application), PATH);
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
    }

    /**
     * @param store the instance's store client; closed with the instance
     * @param application the servlet answering {@code /orders}
     * @return the started instance
     */
    static AppInstance start(InstanceStore store, HttpServlet application) throws Exception {
        AppInstance instance = new AppInstance(store, application);
        try {
            instance.server.start();
            return instance;
        } catch (Exception e) {
            instance.close();
            throw e;
        }
    }

    /** @return the address of {@code /orders} on this instance */
    URI orders() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + PATH);
    }

    @Override
    public void close() throws Exception {
        try (store; engine) {
            server.stop();
        }
    }
}
