package io.github.idempotency.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The CPU time the server's JVM and this JVM (the load generator) use over one measured interval,
 * read when the {@link LoadGenerator} starts and ends it. The server's comes from the operating
 * system through {@link ProcessHandle.Info#totalCpuDuration()} (in clock ticks on Linux), this
 * JVM's from {@link com.sun.management.OperatingSystemMXBean#getProcessCpuTime()}; either may be
 * unknown on a platform that does not tell it.
 */
final class CpuMeter implements LoadGenerator.IntervalListener {

    private static final OperatingSystemMXBean OPERATING_SYSTEM = ManagementFactory.getOperatingSystemMXBean();

    private final ServerProcess server;
    private Optional<Duration> serverAtStart = Optional.empty();
    private Optional<Duration> clientAtStart = Optional.empty();
    private Optional<Duration> serverUsed = Optional.empty();
    private Optional<Duration> clientUsed = Optional.empty();

    CpuMeter(ServerProcess server) {
        this.server = server;
    }

    @Override
    public void measurementStarted() {
        serverAtStart = server.cpuTime();
        clientAtStart = clientCpuTime();
    }

    @Override
    public void measurementEnded() {
        serverUsed = used(serverAtStart, server.cpuTime());
        clientUsed = used(clientAtStart, clientCpuTime());
    }

    /** @return the server JVM's CPU time over the interval per request, in microseconds, if known */
    OptionalDouble serverMicrosPerRequest(long requests) {
        return perRequest(serverUsed, requests);
    }

    /** @return the load generator's CPU time over the interval per request, in microseconds, if known */
    OptionalDouble clientMicrosPerRequest(long requests) {
        return perRequest(clientUsed, requests);
    }

    private static Optional<Duration> clientCpuTime() {
        long nanos = OPERATING_SYSTEM instanceof com.sun.management.OperatingSystemMXBean system
                ? system.getProcessCpuTime() : -1;
        return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    private static Optional<Duration> used(Optional<Duration> start, Optional<Duration> end) {
        return start.flatMap(from -> end.map(to -> to.minus(from)));
    }

    private static OptionalDouble perRequest(Optional<Duration> used, long requests) {
        return used.isEmpty() || requests == 0 ? OptionalDouble.empty()
                : OptionalDouble.of(used.get().toNanos() / 1e3 / requests);
    }
}
