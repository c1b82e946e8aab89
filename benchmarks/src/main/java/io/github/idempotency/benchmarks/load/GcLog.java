package io.github.idempotency.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server JVM's GC log ({@code -Xlog:gc:file=<path>:uptime}) and what it says about the measured
 * interval. The pauses counted are the lines with {@code Pause} and a duration in milliseconds
 * (for example {@code [12.345s] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(512M) 1.234ms})
 * whose uptime stamp (written when the pause ends) falls within the interval. The interval is turned
 * into the server's uptime with the origin the server announces (see {@link BenchServer}).
 */
final class GcLog implements LoadGenerator.IntervalListener {

    /** The pauses of the measured interval, and the collector the JVM said it used. */
    record Pauses(String collector, int count, double totalMillis, double maxMillis) {
    }

    private static final Pattern STAMP = Pattern.compile("^\\[(\\d+(?:\\.\\d+)?)s\\]\\s*(.*)$");
    private static final Pattern PAUSE = Pattern.compile("\\bPause\\b.*\\s(\\d+(?:\\.\\d+)?)ms$");
    private static final Pattern USING = Pattern.compile("^Using (.+)$");

    private final Path file;
    private long startMillis;
    private long endMillis;

    GcLog(Path file) {
        this.file = file;
    }

    /** @return the JVM option that writes this log */
    String jvmOption() {
        return "-Xlog:gc:file=" + file + ":uptime";
    }

    Path file() {
        return file;
    }

    @Override
    public void measurementStarted() {
        startMillis = System.currentTimeMillis();
    }

    @Override
    public void measurementEnded() {
        endMillis = System.currentTimeMillis();
    }

    /**
     * Reads the log once the server has stopped.
     *
     * @param uptimeOrigin the epoch milliseconds at which the server's uptime was zero, if it said
     * @return the pauses within the measured interval, empty if the log or the origin is missing
     */
    Optional<Pauses> pauses(Optional<Long> uptimeOrigin) {
        if (uptimeOrigin.isEmpty() || !Files.isReadable(file)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        double from = (startMillis - uptimeOrigin.get()) / 1e3;
        double to = (endMillis - uptimeOrigin.get()) / 1e3;
        String collector = "?";
        int count = 0;
        double total = 0;
        double max = 0;
        for (String line : lines) {
            Matcher stamp = STAMP.matcher(line.strip());
            if (!stamp.matches()) {
                continue;
            }
            String message = stamp.group(2);
            Matcher using = USING.matcher(message);
            if (using.matches()) {
                collector = using.group(1);
                continue;
            }
            Matcher pause = PAUSE.matcher(message);
            double uptime = Double.parseDouble(stamp.group(1));
            if (pause.find() && uptime >= from && uptime <= to) {
                double millis = Double.parseDouble(pause.group(1));
                count++;
                total += millis;
                max = Math.max(max, millis);
            }
        }
        return Optional.of(new Pauses(collector, count, total, max));
    }
}
