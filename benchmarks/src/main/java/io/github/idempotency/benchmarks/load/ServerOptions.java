package io.github.idempotency.benchmarks.load;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the server's child JVM is started: its heap ({@code -Xms} and {@code -Xmx} of one size, 2g by
 * default) and, optionally, the CPUs it may run on ({@code taskset -c <list>}, where {@code taskset}
 * is found on the {@code PATH}).
 *
 * @param heap the heap size as the JVM reads it, for example {@code 512m} or {@code 2g}
 * @param cpus a CPU list as {@code taskset -c} reads it, for example {@code 0} or {@code 0-1}, if the
 *     server is to be pinned
 */
record ServerOptions(String heap, Optional<String> cpus) {

    static final ServerOptions DEFAULT = new ServerOptions("2g", Optional.empty());

    ServerOptions {
        if (!heap.matches("[0-9]+[kKmMgG]?")) {
            throw new IllegalArgumentException("--server-heap takes a JVM size such as 512m or 2g, not '" + heap + "'");
        }
        if (cpus.isPresent() && !cpus.get().matches("[0-9]+([-,][0-9]+)*")) {
            throw new IllegalArgumentException("--server-cpus takes a CPU list such as 0 or 0-1 or 0,2, not '"
                    + cpus.get() + "'");
        }
    }

    ServerOptions withHeap(String size) {
        return new ServerOptions(size, cpus);
    }

    ServerOptions withCpus(String list) {
        return new ServerOptions(heap, Optional.of(list));
    }

    /** @return the heap options of the server's JVM */
    List<String> heapOptions() {
        return List.of("-Xms" + heap, "-Xmx" + heap);
    }

    /**
     * @return the command that pins the server to its CPUs ({@code taskset -c <list>}), empty if it
     *     is not to be pinned or {@code taskset} is not on the {@code PATH}
     */
    List<String> pinning() {
        if (cpus.isEmpty()) {
            return List.of();
        }
        return taskset().map(taskset -> List.of(taskset.toString(), "-c", cpus.get())).orElse(List.of());
    }

    /** @return a line saying how the server JVMs are started, for the benchmark's output */
    String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(String.join(" ", heapOptions()));
        if (cpus.isEmpty()) {
            parts.add("not pinned (all CPUs)");
        } else if (taskset().isPresent()) {
            parts.add("pinned with taskset -c " + cpus.get());
        } else {
            parts.add("NOT pinned: --server-cpus=" + cpus.get() + " asked, but taskset is not on the PATH");
        }
        return String.join(", ", parts);
    }

    private static Optional<Path> taskset() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, "taskset");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
