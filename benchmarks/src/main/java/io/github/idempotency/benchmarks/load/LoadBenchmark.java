package io.github.idempotency.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end benchmark: for each {@link Scenario}, starts its server in a child JVM, loads it
 * over loopback with {@link LoadGenerator}, and prints requests per second and latency
 * percentiles, with throughput relative to the bare endpoint, as a Markdown table.
 *
 * <pre>
 * java -cp benchmarks.jar io.github.idempotency.benchmarks.load.LoadBenchmark
 *     [--short] [--connections=N] [--warmup=SECONDS] [--duration=SECONDS] [--scenarios=ID,...]
 * </pre>
 */
public final class LoadBenchmark {

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int connections = 8;
        Duration warmup = Duration.ofSeconds(10);
        Duration measured = Duration.ofSeconds(20);
        List<Scenario> scenarios = List.of(Scenario.values());
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            if (arg.equals("--short")) {
                warmup = Duration.ofSeconds(4);
                measured = Duration.ofSeconds(8);
            } else if (arg.startsWith("--connections=")) {
                connections = Integer.parseInt(value);
            } else if (arg.startsWith("--warmup=")) {
                warmup = Duration.ofSeconds(Long.parseLong(value));
            } else if (arg.startsWith("--duration=")) {
                measured = Duration.ofSeconds(Long.parseLong(value));
            } else if (arg.startsWith("--scenarios=")) {
                scenarios = new ArrayList<>();
                for (String id : value.split(",")) {
                    scenarios.add(Scenario.byId(id.trim()));
                }
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; arguments: --short,"
                        + " --connections=N, --warmup=SECONDS, --duration=SECONDS, --scenarios=" + Scenario.ids());
            }
        }
        System.out.printf(Locale.ROOT, "%d connections, %d s warm-up, %d s measured per scenario%n",
                connections, warmup.toSeconds(), measured.toSeconds());
        Map<Scenario, LoadGenerator.Result> results = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            System.out.printf(Locale.ROOT, "running %s: %s (load average %s)%n",
                    scenario.id(), scenario.description(), loadAverage());
            try (ServerProcess server = ServerProcess.start(scenario.setup())) {
                LoadGenerator.Result result =
                        new LoadGenerator(server.port(), scenario.keys(), connections).run(warmup, measured);
                results.put(scenario, result);
                if (result.failures() > 0) {
                    System.out.printf(Locale.ROOT, "  %d failures, the first: %s%n", result.failures(), result.firstFailure());
                }
            }
        }
        printTable(results);
    }

    private static void printTable(Map<Scenario, LoadGenerator.Result> results) {
        System.out.println();
        System.out.println("| scenario | what | requests/s | vs bare Jetty | vs its baseline | p50 (ms) | p99 (ms) | failures |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        results.forEach((scenario, result) -> System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %s | %.3f | %.3f | %d |%n",
                scenario.id(), scenario.description(), result.requestsPerSecond(),
                ratio(result, results.get(Scenario.BARE)),
                ratio(result, scenario.baseline().map(results::get).orElse(null)),
                result.latencyMillis(50), result.latencyMillis(99), result.failures()));
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

    /** @return the throughput of {@code result} in percent of {@code baseline}'s, or a dash without one */
    private static String ratio(LoadGenerator.Result result, LoadGenerator.Result baseline) {
        return baseline == null ? "-"
                : String.format(Locale.ROOT, "%.1f %%", 100 * result.requestsPerSecond() / baseline.requestsPerSecond());
    }
}
