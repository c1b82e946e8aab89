package io.github.idempotency.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servlet demo in a JVM of its own ({@code java -cp <this module's test class path>
 * io.github.idempotency.examples.servlet.ServletDemo}), configured by environment variables as a
 * user would, its output in a log file under {@code target/}. Closing it kills it.
 */
final class DemoProcess implements AutoCloseable {

    private static final String MAIN_CLASS = "io.github.idempotency.examples.servlet.ServletDemo";
    private static final Pattern LISTENING = Pattern.compile("servlet-demo listening on http://localhost:(\\d+)/");
    private static final long START_TIMEOUT_MILLIS = 60_000;

    private final Process process;
    private final Path log;
    private final int port;

    private DemoProcess(Map<String, String> environment, Path log) throws IOException, InterruptedException {
        this.log = log;
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath, MAIN_CLASS)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("PORT", "0");
        process = builder.start();
        port = awaitListening();
    }

    /**
     * Starts the demo and waits until it listens.
     *
     * @param environment the demo's settings ({@code IDEMPOTENCY_STORE}, ...); {@code PORT} is 0
     * @param name names the log file, {@code target/demo-<name>.log}
     */
    static DemoProcess start(Map<String, String> environment, String name) throws IOException, InterruptedException {
        Path log = Path.of("target", "demo-" + name + ".log");
        Files.createDirectories(log.getParent());
        return new DemoProcess(environment, log);
    }

    int port() {
        return port;
    }

    /** Kills the process with SIGKILL, as a crash or an OOM killer would, and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the demo process did not die within 30 s of SIGKILL");
        }
    }

    private int awaitListening() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (String line : lines) {
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    return Integer.parseInt(listening.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("the demo exited with " + process.exitValue() + ":\n" + String.join("\n", lines));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new AssertionError("the demo did not start listening within " + START_TIMEOUT_MILLIS + " ms; see "
                + log.toAbsolutePath());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "servlet demo pid " + process.pid() + " on port " + port + " (log " + log + ")";
    }
}
