package io.github.idempotency.benchmarks.load;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One scenario's run in one round: the load generator's figures, the CPU time per request of the
 * server's JVM and of the load generator over the measured interval, in microseconds, where known,
 * and the server's GC pauses in that interval, where its GC log tells them.
 */
record Run(LoadGenerator.Result load, OptionalDouble serverCpuMicros, OptionalDouble clientCpuMicros,
        Optional<GcLog.Pauses> gc) {
}
