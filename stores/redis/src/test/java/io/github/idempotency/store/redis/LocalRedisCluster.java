package io.github.idempotency.store.redis;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A three-node Redis Cluster of {@code redis-server} processes on free loopback ports, created for
 * a test class and destroyed after it. Tests skip when {@code redis-server} is not installed,
 * except when the environment variable {@code CI} is {@code true}, where they fail.
 */
final class LocalRedisCluster implements AutoCloseable {

    private static final int NODES = 3;
    private static final long START_TIMEOUT_SECONDS = 30;

    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private LocalRedisCluster() {
    }

    /** @param dir where the nodes keep their cluster configuration files */
    static LocalRedisCluster startOrSkip(Path dir) throws IOException, InterruptedException {
        try {
            new ProcessBuilder("redis-server", "--version").start().waitFor();
        } catch (IOException e) {
            String problem = "redis-server is not installed (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                return fail(problem + "; the Redis Cluster tests need it when CI=true");
            }
            return Assumptions.abort(problem + "; skipping the Redis Cluster tests");
        }
        LocalRedisCluster cluster = new LocalRedisCluster();
        try {
            for (int i = 0; i < NODES; i++) {
                cluster.startNode(dir);
            }
            cluster.createCluster();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** @return the nodes' addresses, for {@code RedisClusterClient.create} */
    List<RedisURI> uris() {
        return ports.stream().map(LocalRedis::uri).toList();
    }

    private void startNode(Path dir) throws IOException, InterruptedException {
        int port = freePort();
        Process node = new ProcessBuilder("redis-server",
                "--port", Integer.toString(port),
                "--cluster-port", Integer.toString(freePort()),
                "--bind", "127.0.0.1",
                "--cluster-enabled", "yes",
                "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                "--dir", dir.toString(),
                "--save", "",
                "--appendonly", "no")
                .redirectErrorStream(true)
                .start();
        nodes.add(node);
        ports.add(port);
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        List<String> log = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> drain(node, started, log), "redis-node-" + port);
        reader.setDaemon(true);
        reader.start();
        boolean ready;
        try {
            ready = started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            ready = false;
        }
        if (!ready) {
            throw new IllegalStateException("redis-server on port " + port + " did not start: " + log);
        }
    }

    /**
     * Reads a node's log to the end, so that the node never blocks on a full pipe; completes
     * {@code started} with {@code true} once the node accepts connections, {@code false} if it
     * exits before.
     */
    private static void drain(Process node, CompletableFuture<Boolean> started, List<String> log) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (!started.isDone()) {
                    log.add(line);
                }
                if (line.contains("Ready to accept connections")) {
                    started.complete(true);
                }
            }
        } catch (IOException e) {
            // the node was stopped
        } finally {
            started.complete(false);
        }
    }

    private void createCluster() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(port -> command.add("127.0.0.1:" + port));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(create.getInputStream(), StandardCharsets.UTF_8))) {
            output = lines.lines().collect(Collectors.joining("\n"));
        }
        if (!create.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS) || create.exitValue() != 0
                || !output.contains("[OK] All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli could not create the cluster:\n" + output);
        }
        awaitClusterStateOk();
    }

    /**
     * Waits until every node reports {@code cluster_state:ok}: the slots are assigned when
     * {@code redis-cli --cluster create} returns, but the nodes learn it from each other by gossip
     * a moment later, and answer {@code CLUSTERDOWN} until then. Polls the external processes, the
     * only way to observe it, within a bound.
     */
    private void awaitClusterStateOk() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        for (int port : ports) {
            String info = clusterInfo(port);
            while (!info.contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node 127.0.0.1:" + port + " did not reach cluster_state:ok within "
                            + START_TIMEOUT_SECONDS + " s:\n" + info);
                }
                Thread.sleep(50);
                info = clusterInfo(port);
            }
        }
    }

    private static String clusterInfo(int port) throws IOException, InterruptedException {
        Process info = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "cluster", "info").redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(info.getInputStream(), StandardCharsets.UTF_8))) {
            String output = lines.lines().collect(Collectors.joining("\n"));
            info.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return output;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }
}
