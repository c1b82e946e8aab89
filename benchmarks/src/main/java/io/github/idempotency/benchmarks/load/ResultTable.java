package io.github.idempotency.benchmarks.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The runs of each scenario over the rounds, printed as the Markdown table of the end-to-end
 * benchmark. Each figure is the median over the rounds, with the range of the throughput beside
 * it. A ratio to another scenario is taken within each round, against that scenario's run in the
 * same round, and the median of those ratios is shown: a round in which the whole machine was
 * slower then moves both sides of the ratio. The GC columns are the server's collector and, over
 * the measured interval, its number of pauses, their total and the longest, each the median over
 * the rounds whose GC log could be read.
 */
final class ResultTable {

    private final Map<Scenario, List<Run>> runs = new LinkedHashMap<>();

    /** Adds {@code scenario}'s run in the next round; every scenario runs once in every round. */
    void add(Scenario scenario, Run run) {
        runs.computeIfAbsent(scenario, s -> new ArrayList<>()).add(run);
    }

    void print(PrintStream out) {
        out.println();
        out.println("| scenario | what | requests/s (median) | range | vs bare Jetty | vs its baseline"
                + " | server CPU µs/request | client CPU µs/request | p50 (ms) | p99 (ms) | failures"
                + " | server GC | GC pauses | GC pause total (ms) | longest GC pause (ms) |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        runs.forEach((scenario, scenarioRuns) -> {
            DoubleSummaryStatistics throughput = scenarioRuns.stream()
                    .mapToDouble(run -> run.load().requestsPerSecond()).summaryStatistics();
            out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f-%.0f | %s | %s | %s | %s | %.3f | %.3f | %d | %s | %s | %s | %s |%n",
                    scenario.id(), scenario.description(),
                    median(scenarioRuns, run -> run.load().requestsPerSecond()),
                    throughput.getMin(), throughput.getMax(),
                    ratio(scenarioRuns, runs.get(Scenario.BARE)),
                    ratio(scenarioRuns, scenario.baseline().map(runs::get).orElse(null)),
                    micros(medianOfKnown(scenarioRuns, Run::serverCpuMicros)),
                    micros(medianOfKnown(scenarioRuns, Run::clientCpuMicros)),
                    median(scenarioRuns, run -> run.load().latencyMillis(50)),
                    median(scenarioRuns, run -> run.load().latencyMillis(99)),
                    scenarioRuns.stream().mapToLong(run -> run.load().failures()).sum(),
                    collectors(scenarioRuns),
                    figure(medianOfKnown(scenarioRuns, gc(GcLog.Pauses::count)), "%.0f"),
                    figure(medianOfKnown(scenarioRuns, gc(GcLog.Pauses::totalMillis)), "%.1f"),
                    figure(medianOfKnown(scenarioRuns, gc(GcLog.Pauses::maxMillis)), "%.1f"));
        });
    }

    /** @return the collectors the server JVMs of {@code runs} said they used, or "n/a" */
    private static String collectors(List<Run> runs) {
        String names = runs.stream().map(Run::gc).flatMap(Optional::stream).map(GcLog.Pauses::collector)
                .distinct().collect(Collectors.joining(", "));
        return names.isEmpty() ? "n/a" : names;
    }

    private static Function<Run, OptionalDouble> gc(ToDoubleFunction<GcLog.Pauses> figure) {
        return run -> run.gc().map(pauses -> OptionalDouble.of(figure.applyAsDouble(pauses)))
                .orElse(OptionalDouble.empty());
    }

    private static String figure(OptionalDouble value, String format) {
        return value.isPresent() ? String.format(Locale.ROOT, format, value.getAsDouble()) : "n/a";
    }

    /** @return microseconds with one decimal, or "n/a" when unknown */
    static String micros(OptionalDouble micros) {
        return micros.isPresent() ? String.format(Locale.ROOT, "%.1f", micros.getAsDouble()) : "n/a";
    }

    /**
     * @return the median over the rounds of the throughput of {@code runs} in percent of
     *     {@code baseline}'s in the same round, or a dash without a baseline
     */
    private static String ratio(List<Run> runs, List<Run> baseline) {
        if (baseline == null) {
            return "-";
        }
        double[] percentages = IntStream.range(0, runs.size())
                .mapToDouble(round -> 100 * runs.get(round).load().requestsPerSecond()
                        / baseline.get(round).load().requestsPerSecond())
                .toArray();
        return String.format(Locale.ROOT, "%.1f %%", median(percentages));
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        return median(runs.stream().mapToDouble(figure).toArray());
    }

    /** @return the median of the figures known, or empty if none is */
    private static OptionalDouble medianOfKnown(List<Run> runs, Function<Run, OptionalDouble> figure) {
        double[] known = runs.stream().map(figure).filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble).toArray();
        return known.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(median(known));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
