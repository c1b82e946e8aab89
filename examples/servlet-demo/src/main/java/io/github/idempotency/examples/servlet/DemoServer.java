package io.github.idempotency.examples.servlet;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.servlet.IdempotencyFilter;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Password;

/**
 * The demo application on embedded Jetty: HTTP Basic authentication by Jetty's own security
 * handler (users {@code alice} / {@code alice-pass} and {@code bob} / {@code bob-pass}), the
 * idempotency filter with an in-memory store guarding {@code POST /payments} (key required), and
 * the {@link PaymentsServlet}.
 */
public final class DemoServer implements AutoCloseable {

    private static final String ROLE = "user";

    private final Server server;
    private final ServerConnector connector;
    private final IdempotencyEngine engine;

    /**
     * @param port the port to listen on; 0 for any free port
     * @param processor charges payments
     */
    public DemoServer(int port, PaymentProcessor processor) {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);

        engine = IdempotencyEngine.builder(InMemoryIdempotencyStore.create()).build();
        IdempotencyFilter idempotency = IdempotencyFilter.builder(engine)
                .policy(EndpointPolicy.builder().keyRequired(true).build())
                .paths("/payments")
                .build();

        ServletContextHandler context = new ServletContextHandler("/", ServletContextHandler.SECURITY);
        context.setSecurityHandler(basicAuthentication());
        context.addFilter(new FilterHolder(idempotency), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new PaymentsServlet(processor)), "/payments/*");
        server.setHandler(context);
    }

    private static ConstraintSecurityHandler basicAuthentication() {
        UserStore users = new UserStore();
        users.addUser("alice", new Password("alice-pass"), new String[] {ROLE});
        users.addUser("bob", new Password("bob-pass"), new String[] {ROLE});
        HashLoginService loginService = new HashLoginService("payments");
        loginService.setUserStore(users);

        ConstraintMapping everything = new ConstraintMapping();
        everything.setPathSpec("/*");
        everything.setConstraint(Constraint.from(ROLE));

        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setAuthenticator(new BasicAuthenticator());
        security.setLoginService(loginService);
        security.addConstraintMapping(everything);
        return security;
    }

    /** @throws Exception if Jetty cannot start (for example the port is taken) */
    public void start() throws Exception {
        server.start();
    }

    /** @return the port the server listens on */
    public int port() {
        return connector.getLocalPort();
    }

    /** @throws InterruptedException if interrupted while waiting for the server to stop */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            engine.close();
        }
    }
}
