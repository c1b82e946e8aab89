package io.github.idempotency.examples.orders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A consumer in a JVM of its own ({@code java -cp <this module's test class path>}
 * {@link ConsumerWithFaults}), configured by Spring Boot command-line properties. A thread reads
 * its output, copies it to {@code target/consumer-<name>.log} and completes the futures waiting
 * for a line. {@link #kill()} is SIGKILL.
 */
final class ConsumerProcess implements AutoCloseable {

    private static final String READY = "Consuming orders from queue";

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private boolean ended;

    private record Watch(String text, CompletableFuture<ConsumerProcess> printed) {
    }

    private ConsumerProcess(String name, Map<String, String> properties) throws IOException {
        this.name = name;
        this.log = Path.of("target", "consumer-" + name + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                ConsumerWithFaults.class.getName(), "--spring.main.banner-mode=off", "--orders.instance=" + name));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(this::copyOutput, "output of consumer " + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a consumer and waits until its listener consumes.
     *
     * @param name its {@code orders.instance}, and the name of its log file
     * @param properties more Spring Boot properties ({@code orders.queue}, {@code faults.*})
     */
    static ConsumerProcess start(String name, Map<String, String> properties) throws Exception {
        ConsumerProcess consumer = new ConsumerProcess(name, properties);
        try {
            consumer.printed(READY).get(90, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            consumer.close();
            throw new AssertionError("consumer " + name + " did not start within 90 s; see " + consumer.log.toAbsolutePath(),
                    e);
        }
        return consumer;
    }

    String name() {
        return name;
    }

    /**
     * @return completes with this consumer when it has printed a line containing {@code text}; fails when
     *         the process ends without printing one
     */
    CompletableFuture<ConsumerProcess> printed(String text) {
        CompletableFuture<ConsumerProcess> printed = new CompletableFuture<>();
        synchronized (lines) {
            if (lines.stream().anyMatch(line -> line.contains(text))) {
                printed.complete(this);
            } else if (ended) {
                printed.completeExceptionally(endedWithout(text));
            } else {
                watches.add(new Watch(text, printed));
            }
        }
        return printed;
    }

    /** Kills the JVM with SIGKILL, as a crash or the OOM killer would, and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("consumer " + name + " did not die within 30 s of SIGKILL");
        }
    }

    /** Stops the JVM with SIGTERM: Spring closes the listener container, which finishes the messages it holds. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("consumer " + name + " did not stop within 60 s of SIGTERM");
        }
    }

    private void copyOutput() {
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                file.println(line);
                synchronized (lines) {
                    lines.add(line);
                    for (var iterator = watches.iterator(); iterator.hasNext();) {
                        Watch watch = iterator.next();
                        if (line.contains(watch.text())) {
                            watch.printed().complete(this);
                            iterator.remove();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; the watches fail below
        } finally {
            synchronized (lines) {
                ended = true;
                watches.forEach(watch -> watch.printed().completeExceptionally(endedWithout(watch.text())));
                watches.clear();
            }
        }
    }

    private AssertionError endedWithout(String text) {
        return new AssertionError("consumer " + name + " ended without printing \"" + text + "\"; see "
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
        return "consumer " + name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
