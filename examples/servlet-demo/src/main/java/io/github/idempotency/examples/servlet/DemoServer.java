package io.github.idempotency.examples.servlet;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
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
 * idempotency filter guarding {@code POST /payments} (key required) with the store the settings
 * choose, and the {@link PaymentsServlet}.
 */
public final class DemoServer implements AutoCloseable {

    private static final String ROLE = "user";

    private final Server server;
    private final ServerConnector connector;
    private final DemoStore store;
    private final IdempotencyEngine engine;

    /**
     * Opens the store; {@link #close()} closes it.
     *
     * @param settings the port, the store and the lease
     * @param processor charges payments
     * @throws RuntimeException if the store cannot be opened (see {@link DemoStore#open})
     */
    public DemoServer(DemoSettings settings, PaymentProcessor processor) {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setPort(settings.port());
        server.addConnector(connector);

        store = DemoStore.open(settings);
        engine = IdempotencyEngine.builder(store.store()).build();
        EndpointPolicy.Builder policy = EndpointPolicy.builder().keyRequired(true);
        settings.lease().ifPresent(policy::lease);
        IdempotencyFilter idempotency = IdempotencyFilter.builder(engine)
                .policy(policy.build())
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

    /** @return which store keeps the idempotency entries and where */
    public String storeDescription() {
        return store.description();
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
        try (store; engine) {
            server.stop();
        }
    }
}
