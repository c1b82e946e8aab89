package io.github.idempotency.reliability;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.servlet.IdempotencyFilter;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One instance of the test application, in process: embedded Jetty on a free loopback port, the
 * idempotency filter guarding every path, and a {@link CountingServlet} recording into a ledger
 * shared with the other instances. Closing it stops Jetty and the engine.
 */
final class AppInstance implements AutoCloseable {

    /** The body {@link #post(String)} sends. */
    static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";

    private final Server server;
    private final ServerConnector connector;
    private final IdempotencyEngine engine;
    private final RecordingListener listener;

    private AppInstance(String name, IdempotencyEngine.Builder engineBuilder, EndpointPolicy policy,
            Executions executions) throws Exception {
        listener = new RecordingListener();
        engine = engineBuilder.listener(listener).build();
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(IdempotencyFilter.builder(engine).policy(policy).build()), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new CountingServlet(executions, name)), "/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            engine.close();
            throw e;
        }
    }

    /**
     * @param name names the instance in the bodies its handler produces
     * @param engine the engine's builder, store and settings chosen; its listener is replaced by this
     *     instance's {@link RecordingListener}
     * @param policy the filter's policy
     * @param executions the ledger shared by the test's instances
     * @return the started instance
     */
    static AppInstance start(String name, IdempotencyEngine.Builder engine, EndpointPolicy policy,
            Executions executions) throws Exception {
        return new AppInstance(name, engine, policy, executions);
    }

    /** @return an instance with the default engine settings (fail closed) on {@code store} */
    static AppInstance start(String name, IdempotencyStore store, EndpointPolicy policy, Executions executions)
            throws Exception {
        return start(name, IdempotencyEngine.builder(store), policy, executions);
    }

    /**
     * {@code POST /payments} with the demo's payment body and {@code key}.
     *
     * @throws UncheckedIOException if the exchange fails
     */
    HttpResponse<String> post(String key) {
        try {
            return Http.post(uri("/payments"), key, PAYMENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the response", e);
        }
    }

    /** @return the URI of {@code path} on this instance */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    int port() {
        return connector.getLocalPort();
    }

    RecordingListener listener() {
        return listener;
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
