package io.github.idempotency.benchmarks.load;

/** A server accepting connections on a loopback port until it is closed. */
public interface RunningServer extends AutoCloseable {

    /** @return the loopback port */
    int port();
}
