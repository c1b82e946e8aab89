package io.github.idempotency.benchmarks.load;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The end-to-end benchmark: runs the selected {@link Scenario}s in rounds, each scenario once per
 * round in the same order, and each run against a fresh server in a child JVM loaded over loopback
 * by {@link LoadGenerator}. Over each run's measured interval it also takes the CPU time of the
 * server's JVM and of its own ({@link CpuMeter}). It prints a line as each run ends, then a
 * Markdown table ({@link ResultTable}) of medians over the rounds: requests per second with their
 * range, throughput relative to the bare endpoint and to the scenario's baseline (ratios taken
 * within each round), CPU time per request of server and load generator, and latency percentiles.
 *
 * <pre>
 * java -cp benchmarks.jar io.github.idempotency.benchmarks.load.LoadBenchmark
 *     [--short] [--rounds=N] [--connections=N] [--warmup=SECONDS] [--duration=SECONDS] [--scenarios=ID,...]
 * </pre>
 *
 * <p>By default 3 rounds of 20 s warm-up and 20 s measured per run; {@code --short} makes it 1
 * round of 4 s warm-up and 8 s measured, and the options after it override those.
 */
public final class LoadBenchmark {

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int connections = 8;
        Duration warmup = Duration.ofSeconds(20);
        Duration measured = Duration.ofSeconds(20);
        List<Scenario> scenarios = List.of(Scenario.values());
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
                        + " --connections=N, --warmup=SECONDS, --duration=SECONDS, --scenarios=" + Scenario.ids());
            }
        }
        // The table is Markdown for a UTF-8 document, whatever the platform's default charset.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "%d connections, %d s warm-up, %d s measured per run, rounds: %d%n",
                connections, warmup.toSeconds(), measured.toSeconds(), rounds);
        ResultTable table = new ResultTable();
        for (int round = 1; round <= rounds; round++) {
            for (Scenario scenario : scenarios) {
                out.printf(Locale.ROOT, "round %d of %d, running %s: %s (load average %s)%n",
                        round, rounds, scenario.id(), scenario.description(), loadAverage());
                Run run = run(scenario, connections, warmup, measured);
                table.add(scenario, run);
                out.printf(Locale.ROOT, "  %s, round %d: %.0f requests/s, server CPU %s µs/request, client CPU %s µs/request%n",
                        scenario.id(), round, run.load().requestsPerSecond(),
                        ResultTable.micros(run.serverCpuMicros()), ResultTable.micros(run.clientCpuMicros()));
                if (run.load().failures() > 0) {
                    out.printf(Locale.ROOT, "  %d failures, the first: %s%n", run.load().failures(), run.load().firstFailure());
                }
            }
        }
        table.print(out);
    }

    /** Starts {@code scenario}'s server, loads it, and stops it. */
    private static Run run(Scenario scenario, int connections, Duration warmup, Duration measured)
            throws IOException, InterruptedException {
        try (ServerProcess server = ServerProcess.start(scenario.setup())) {
            CpuMeter cpu = new CpuMeter(server);
            LoadGenerator.Result result =
                    new LoadGenerator(server.port(), scenario.keys(), connections).run(warmup, measured, cpu);
            return new Run(result, cpu.serverMicrosPerRequest(result.requests()),
                    cpu.clientMicrosPerRequest(result.requests()));
        }
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
