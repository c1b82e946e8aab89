package io.github.idempotency.benchmarks.load;

import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/** What the server under load runs in front of {@link PaymentServlet}. */
enum ServerSetup {

    /** The endpoint alone: the baseline every other setup is compared with. */
    BARE;

    /** The path the endpoint is mapped to. */
    static final String ENDPOINT = "/payments";

    /**
     * Mounts the endpoint, and whatever this setup puts in front of it, on {@code context}.
     *
     * @return what to close once the server has stopped, if anything
     * @throws Exception if a store cannot be reached or set up
     */
    Optional<AutoCloseable> mount(ServletContextHandler context) throws Exception {
        context.addServlet(new ServletHolder(new PaymentServlet()), ENDPOINT);
        return Optional.empty();
    }
}
