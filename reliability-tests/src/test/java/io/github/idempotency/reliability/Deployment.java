package io.github.idempotency.reliability;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.StoreFailureMode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A store behind a {@link FaultProxy} and the application instances that use it, each with its own
 * connection (Lettuce client or connection pool) through the proxy, all recording into one
 * {@link Executions} ledger. Closing it closes everything and removes the test's entries.
 */
final class Deployment implements AutoCloseable {

    final StoreKind kind;
    final StoreKind.Namespace namespace;
    final FaultProxy proxy;
    final Executions executions = new Executions();
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    private Deployment(StoreKind kind) throws Exception {
        this.kind = kind;
        this.namespace = kind.namespaceOrSkip();
        opened.push(namespace);
        this.proxy = new FaultProxy(kind.port);
        opened.push(proxy);
    }

    /** @return a deployment on a fresh namespace of {@code kind}; the calling test is skipped when the store is absent */
    static Deployment of(StoreKind kind) throws Exception {
        return new Deployment(kind);
    }

    /**
     * Starts an instance whose store calls each give up after about {@code storeTimeout}.
     *
     * @return the started instance, closed with this deployment
     */
    AppInstance instance(String name, Duration storeTimeout, StoreFailureMode mode, EndpointPolicy policy)
            throws Exception {
        return instance(name, storeTimeout, engine -> engine.storeFailureMode(mode), policy);
    }

    /**
     * Starts an instance whose store calls each give up after about {@code storeTimeout}, with
     * engine settings of the test's choosing.
     *
     * @return the started instance, closed with this deployment
     */
    AppInstance instance(String name, Duration storeTimeout, Consumer<IdempotencyEngine.Builder> engineSettings,
            EndpointPolicy policy) throws Exception {
        StoreKind.OpenStore store = namespace.open(proxy.port(), storeTimeout);
        opened.push(store);
        IdempotencyEngine.Builder engine = IdempotencyEngine.builder(store.store());
        engineSettings.accept(engine);
        AppInstance instance = AppInstance.start(name, engine, policy, executions);
        opened.push(instance);
        return instance;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
