package io.github.idempotency.benchmarks.load;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The server under load, run in its own JVM by {@link LoadBenchmark} so that the load generator's
 * work never shows in the server's heap or JIT profile. Serves one {@link ServerSetup} on a free
 * loopback port, prints {@value #UPTIME_ORIGIN_LINE}{@code <epoch milliseconds>} (the wall-clock
 * time at which its JVM's uptime, the clock of its GC log, was zero) and then
 * {@value #PORT_LINE}{@code <port>} on standard output once it accepts connections, and stops when
 * its standard input ends.
 */
public final class BenchServer {

    /** The start of the line announcing the port. */
    static final String PORT_LINE = "listening on port ";

    /** The start of the line announcing when the JVM's uptime was zero. */
    static final String UPTIME_ORIGIN_LINE = "uptime origin ";

    private BenchServer() {
    }

    /** @param args the {@link ServerSetup} name */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BenchServer <setup>, one of " + Arrays.toString(ServerSetup.values()));
        }
        try (RunningServer server = ServerSetup.valueOf(args[0]).start()) {
            System.out.println(UPTIME_ORIGIN_LINE
                    + (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getUptime()));
            System.out.println(PORT_LINE + server.port());
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
