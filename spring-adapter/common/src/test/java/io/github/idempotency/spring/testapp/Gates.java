package io.github.idempotency.spring.testapp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Named {@link Gate}s: a handler given the request header {@code X-Hold: name} waits at the gate of
 * that name (at the point where its work runs, also when that is asynchronous) until the test
 * opens it.
 */
public class Gates {

    private final ConcurrentMap<String, Gate> gates = new ConcurrentHashMap<>();

    /**
     * @param name a name no other test uses
     * @return the gate of that name
     */
    public Gate named(String name) {
        return gates.computeIfAbsent(name, n -> new Gate());
    }

    /**
     * Waits at the named gate; does nothing without a name.
     *
     * @param name the gate's name, or {@code null}
     */
    public void pass(String name) {
        if (name == null) {
            return;
        }
        try {
            named(name).pass();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at gate " + name, e);
        }
    }
}
