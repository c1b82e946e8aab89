package io.github.idempotency.benchmarks.load;

import java.util.OptionalDouble;

/**
 * One scenario's run in one round: the load generator's figures and the CPU time per request of
 * the server's JVM and of the load generator over the measured interval, in microseconds, where
 * known.
 */
record Run(LoadGenerator.Result load, OptionalDouble serverCpuMicros, OptionalDouble clientCpuMicros) {
}
