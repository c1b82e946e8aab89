package io.github.idempotency.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link BenchServer} in a child JVM on the same class path, with a fixed heap and optionally
 * pinned to some CPUs ({@link ServerOptions}), writing its GC log to a file ({@link GcLog}). Options
 * in the environment variable {@code BENCHMARK_SERVER_JVM_OPTIONS} (separated by white space) are
 * added to the child's command line after those, for example to record it with JDK Flight
 * Recorder. Closing it ends the child's standard input, which stops the server; a child that does
 * not stop in time is killed.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Optional<Long> uptimeOrigin;

    private ServerProcess(Process process, int port, Optional<Long> uptimeOrigin) {
        this.process = process;
        this.port = port;
        this.uptimeOrigin = uptimeOrigin;
    }

    /** Starts the server and waits until it accepts connections. */
    static ServerProcess start(ServerSetup setup, ServerOptions options, GcLog gcLog)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(options.pinning());
        command.add(java);
        command.addAll(options.heapOptions());
        command.add(gcLog.jvmOption());
        String extra = System.getenv("BENCHMARK_SERVER_JVM_OPTIONS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchServer.class.getName(), setup.name()));
        Files.deleteIfExists(gcLog.file());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        AtomicReference<Long> uptimeOrigin = new AtomicReference<>();
        Thread output = new Thread(() -> forwardOutput(process, setup, port, uptimeOrigin), "server-output");
        output.setDaemon(true);
        output.start();
        try {
            int announced = port.get(60, TimeUnit.SECONDS);
            return new ServerProcess(process, announced, Optional.ofNullable(uptimeOrigin.get()));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the " + setup + " server did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Completes {@code port} from the announcing line, sets {@code uptimeOrigin} from the line before
     * it, then passes the rest on to standard error.
     */
    private static void forwardOutput(Process process, ServerSetup setup, CompletableFuture<Integer> port,
            AtomicReference<Long> uptimeOrigin) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!port.isDone() && line.startsWith(BenchServer.UPTIME_ORIGIN_LINE)) {
                    uptimeOrigin.set(Long.parseLong(line.substring(BenchServer.UPTIME_ORIGIN_LINE.length())));
                } else if (!port.isDone() && line.startsWith(BenchServer.PORT_LINE)) {
                    port.complete(Integer.parseInt(line.substring(BenchServer.PORT_LINE.length())));
                } else {
                    System.err.println("[" + setup + " server] " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IOException("the server ended without announcing its port"));
    }

    int port() {
        return port;
    }

    /** @return the epoch milliseconds at which the server JVM's uptime was zero, as it announced */
    Optional<Long> uptimeOrigin() {
        return uptimeOrigin;
    }

    /** @return the CPU time the child has used so far, if the operating system tells it */
    Optional<Duration> cpuTime() {
        return process.toHandle().info().totalCpuDuration();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
