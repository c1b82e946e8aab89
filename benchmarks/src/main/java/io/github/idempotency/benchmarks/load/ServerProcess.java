package io.github.idempotency.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link BenchServer} in a child JVM on the same class path, with a fixed heap. Options in the
 * environment variable {@code BENCHMARK_SERVER_JVM_OPTIONS} (separated by white space) are added to
 * the child's command line, for example to record it with JDK Flight Recorder. Closing it ends
 * the child's standard input, which stops the server; a child that does not stop in time is killed.
 */
final class ServerProcess implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of("-Xms2g", "-Xmx2g");

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server and waits until it accepts connections. */
    static ServerProcess start(ServerSetup setup) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTIONS);
        String extra = System.getenv("BENCHMARK_SERVER_JVM_OPTIONS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchServer.class.getName(), setup.name()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread output = new Thread(() -> forwardOutput(process, setup, port), "server-output");
        output.setDaemon(true);
        output.start();
        try {
            return new ServerProcess(process, port.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the " + setup + " server did not start: " + e.getMessage(), e);
        }
    }

    /** Completes {@code port} from the announcing line, then passes the rest on to standard error. */
    private static void forwardOutput(Process process, ServerSetup setup, CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!port.isDone() && line.startsWith(BenchServer.PORT_LINE)) {
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
