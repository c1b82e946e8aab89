package io.github.idempotency.benchmarks.load;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The end-to-end benchmark: runs the selected {@link Scenario}s in rounds, each scenario once per
 * round in the same order, and each run against a fresh server in a child JVM loaded over loopback
 * by {@link LoadGenerator}. Over each run's measured interval it also takes the CPU time of the
 * server's JVM and of its own ({@link CpuMeter}). It prints a line as each run ends, then a
 * Markdown table ({@link ResultTable}) of medians over the rounds: requests per second with their
 * range, throughput relative to the bare endpoint and to the scenario's baseline (ratios taken
 * within each round), CPU time per request of server and load generator, latency percentiles, and
 * the server's GC pauses in the measured interval ({@link GcLog}).
 *
 * <pre>
 * java -cp benchmarks.jar io.github.idempotency.benchmarks.load.LoadBenchmark
 *     [--short] [--rounds=N] [--connections=N] [--warmup=SECONDS] [--duration=SECONDS] [--scenarios=ID,...]
 *     [--server-heap=SIZE] [--server-cpus=LIST]
 * </pre>
 *
 * <p>By default 3 rounds of 20 s warm-up and 20 s measured per run; {@code --short} makes it 1
 * round of 4 s warm-up and 8 s measured, and the options after it override those. The server JVM
 * gets {@code -Xms2g -Xmx2g} unless {@code --server-heap} gives another size, and runs on every CPU
 * unless {@code --server-cpus} pins it with {@code taskset -c}. Without a collector named in
 * {@code BENCHMARK_SERVER_JVM_OPTIONS} the JVM picks its own (G1, or Serial where it sees one CPU or
 * less than about 1.8 GB of memory); the table names the one it used. The GC logs are kept as
 * {@code gc-<scenario>-<round>.log} beside the benchmarks jar (in {@code benchmarks/target}).
 */
public final class LoadBenchmark {

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int connections = 8;
        Duration warmup = Duration.ofSeconds(20);
        Duration measured = Duration.ofSeconds(20);
        ServerOptions server = ServerOptions.DEFAULT;
        List<Scenario> scenarios = Scenario.defaults();
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            if (arg.equals("--short")) {
                rounds = 1;
                warmup = Duration.ofSeconds(4);
                measured = Duration.ofSeconds(8);
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(value);
                if (rounds < 1) {
                    throw new IllegalArgumentException("--rounds must be at least 1, not " + rounds);
                }
            } else if (arg.startsWith("--connections=")) {
                connections = Integer.parseInt(value);
            } else if (arg.startsWith("--warmup=")) {
                warmup = Duration.ofSeconds(Long.parseLong(value));
            } else if (arg.startsWith("--duration=")) {
                measured = Duration.ofSeconds(Long.parseLong(value));
            } else if (arg.startsWith("--server-heap=")) {
                server = server.withHeap(value);
            } else if (arg.startsWith("--server-cpus=")) {
                server = server.withCpus(value);
            } else if (arg.startsWith("--scenarios=")) {
                scenarios = new ArrayList<>();
                for (String id : value.split(",")) {
                    Scenario scenario = Scenario.byId(id.trim());
                    if (!scenarios.contains(scenario)) {
                        scenarios.add(scenario);
                    }
                }
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; arguments: --short, --rounds=N,"
                        + " --connections=N, --warmup=SECONDS, --duration=SECONDS, --server-heap=SIZE,"
                        + " --server-cpus=LIST, --scenarios=" + Scenario.ids());
            }
        }
        // The table is Markdown for a UTF-8 document, whatever the platform's default charset.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "%d connections, %d s warm-up, %d s measured per run, rounds: %d%n",
                connections, warmup.toSeconds(), measured.toSeconds(), rounds);
        out.printf(Locale.ROOT, "server JVM: %s%s; load generator on CPUs %s%n", server.describe(),
                extraOptions().isEmpty() ? "" : ", then " + extraOptions(), allowedCpus());
        Path logs = logDirectory();
        ResultTable table = new ResultTable();
        for (int round = 1; round <= rounds; round++) {
            for (Scenario scenario : scenarios) {
                out.printf(Locale.ROOT, "round %d of %d, running %s: %s (load average %s)%n",
                        round, rounds, scenario.id(), scenario.description(), loadAverage());
                GcLog gcLog = new GcLog(logs.resolve("gc-" + scenario.id() + "-" + round + ".log"));
                Run run = run(scenario, connections, warmup, measured, server, gcLog);
                table.add(scenario, run);
                out.printf(Locale.ROOT, "  %s, round %d: %.0f requests/s, server CPU %s µs/request, client CPU %s µs/request,"
                                + " p99 %.3f ms, GC %s%n",
                        scenario.id(), round, run.load().requestsPerSecond(),
                        ResultTable.micros(run.serverCpuMicros()), ResultTable.micros(run.clientCpuMicros()),
                        run.load().latencyMillis(99),
                        run.gc().map(gc -> String.format(Locale.ROOT, "%s, %d pauses, %.1f ms in all, longest %.1f ms",
                                gc.collector(), gc.count(), gc.totalMillis(), gc.maxMillis()))
                                .orElse("unknown (no log in " + gcLog.file() + ")"));
                if (run.load().failures() > 0) {
                    out.printf(Locale.ROOT, "  %d failures, the first: %s%n", run.load().failures(), run.load().firstFailure());
                }
            }
        }
        table.print(out);
    }

    /** Starts {@code scenario}'s server, loads it, and stops it. */
    private static Run run(Scenario scenario, int connections, Duration warmup, Duration measured,
            ServerOptions options, GcLog gcLog) throws IOException, InterruptedException {
        LoadGenerator.Result result;
        CpuMeter cpu;
        Optional<Long> uptimeOrigin;
        try (ServerProcess server = ServerProcess.start(scenario.setup(), options, gcLog)) {
            cpu = new CpuMeter(server);
            uptimeOrigin = server.uptimeOrigin();
            LoadGenerator.IntervalListener both = new LoadGenerator.IntervalListener() {
                @Override
                public void measurementStarted() {
                    cpu.measurementStarted();
                    gcLog.measurementStarted();
                }

                @Override
                public void measurementEnded() {
                    gcLog.measurementEnded();
                    cpu.measurementEnded();
                }
            };
            result = new LoadGenerator(server.port(), scenario.path(), scenario.body(), scenario.keys(), connections)
                    .run(warmup, measured, both);
        }
        // The log is read once the server has stopped and flushed it.
        return new Run(result, cpu.serverMicrosPerRequest(result.requests()),
                cpu.clientMicrosPerRequest(result.requests()), gcLog.pauses(uptimeOrigin));
    }

    /** @return the directory of the benchmarks jar (or of the classes), where the GC logs go */
    private static Path logDirectory() throws IOException {
        Path directory;
        try {
            Path location = Path.of(LoadBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            directory = location.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            directory = null;
        }
        if (directory == null) {
            directory = Path.of(System.getProperty("java.io.tmpdir"));
        }
        return Files.createDirectories(directory);
    }

    private static String extraOptions() {
        String extra = System.getenv("BENCHMARK_SERVER_JVM_OPTIONS");
        return extra == null ? "" : extra.strip();
    }

    /** @return the CPUs this JVM may run on, as Linux tells them, for the output */
    private static String allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }

    /** @return the 1, 5 and 15 minute load averages of the machine, where Linux tells them */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
