package io.github.idempotency.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: a fixed number of platform threads, each with its own keep-alive
 * connection (opened again when the server closes it, as Tomcat does after 100 requests), each
 * sending its next request as soon as the previous response has been read. It runs a warm-up, then
 * counts requests and records latencies over the measured interval, telling an
 * {@link IntervalListener} when that interval starts and ends.
 */
final class LoadGenerator {

    /** Which {@code Idempotency-Key} each request carries. */
    enum Keys {
        /** A key never used before on every request: each one runs the handler. */
        FRESH,
        /** The same key on every request, used once before the run: each one is a replay. */
        FIXED
    }

    /** The JSON every request to {@code /payments} carries and the endpoint echoes (32 bytes). */
    static final byte[] PAYMENT = "{\"amount\":1250,\"currency\":\"EUR\"}".getBytes(StandardCharsets.US_ASCII);

    /**
     * The JSON every request to the Spring applications' {@code /orders} carries (200 bytes), bound
     * to a record with a nested one and echoed back.
     */
    static final byte[] ORDER = ("{\"amount\":1250,\"currency\":\"EUR\",\"reference\":\"INV-2026-000123\","
            + "\"description\":\"Monthly plan B\",\"customer\":{\"id\":\"cus_8f3a2c41d90\","
            + "\"email\":\"jane@example.com\",\"country\":\"DE\"},\"quantity\":3,\"express\":false}")
            .getBytes(StandardCharsets.US_ASCII);

    private static final long HIGHEST_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int MAX_CONSECUTIVE_CONNECTION_FAILURES = 100;

    private final int port;
    private final String path;
    private final byte[] body;
    private final Keys keys;
    private final int connections;
    /** Distinguishes this run's keys from every earlier run's, for stores that outlive the server. */
    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private volatile boolean measuring;
    private volatile boolean done;

    /**
     * @param path the path every request is posted to
     * @param body the JSON body every request carries
     */
    LoadGenerator(int port, String path, byte[] body, Keys keys, int connections) {
        this.port = port;
        this.path = path;
        this.body = body;
        this.keys = keys;
        this.connections = connections;
    }

    /**
     * Told right before the measured interval starts and right after it ends, on the thread that
     * runs the load.
     */
    interface IntervalListener {

        void measurementStarted();

        void measurementEnded();
    }

    /** The figures of one measured interval. */
    record Result(long requests, long failures, String firstFailure, double seconds, Histogram latency) {

        double requestsPerSecond() {
            return requests / seconds;
        }

        /** @return the latency at {@code percentile} (0 to 100), in milliseconds */
        double latencyMillis(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e6;
        }
    }

    /**
     * Runs the load: warm-up, then the measured interval.
     *
     * @param listener told when the measured interval starts and ends
     * @throws IOException if the request that establishes a {@link Keys#FIXED} key fails
     */
    Result run(Duration warmup, Duration measured, IntervalListener listener) throws IOException, InterruptedException {
        if (keys == Keys.FIXED) {
            try (HttpConnection connection = new HttpConnection(port, path, body)) {
                HttpConnection.Response first = connection.post(fixedKey());
                if (first.status() != 201) {
                    throw new IOException("the first request with the fixed key got " + first.status() + ", not 201");
                }
            }
        }
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Worker worker = new Worker(i);
            workers.add(worker);
            Thread thread = new Thread(worker, "load-" + i);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(warmup.toMillis());
        listener.measurementStarted();
        measuring = true;
        long start = System.nanoTime();
        Thread.sleep(measured.toMillis());
        done = true;
        long end = System.nanoTime();
        listener.measurementEnded();
        for (Thread thread : threads) {
            thread.join();
        }
        Histogram latency = new Histogram(HIGHEST_LATENCY_NANOS, 3);
        long requests = 0;
        long failures = 0;
        String firstFailure = null;
        for (Worker worker : workers) {
            latency.add(worker.latency);
            requests += worker.requests;
            failures += worker.failures;
            if (firstFailure == null) {
                firstFailure = worker.firstFailure;
            }
        }
        return new Result(requests, failures, firstFailure, (end - start) / 1e9, latency);
    }

    private String fixedKey() {
        return "fixed-" + runId;
    }

    /** One connection's request loop. Its counters are read after its thread has ended. */
    private final class Worker implements Runnable {
        private final int index;
        private final Histogram latency = new Histogram(HIGHEST_LATENCY_NANOS, 3);
        private long requests;
        private long failures;
        private String firstFailure;

        Worker(int index) {
            this.index = index;
        }

        @Override
        public void run() {
            String keyPrefix = runId + "-" + index + "-";
            long sent = 0;
            int connectionFailures = 0;
            while (!done && connectionFailures < MAX_CONSECUTIVE_CONNECTION_FAILURES) {
                try (HttpConnection connection = new HttpConnection(port, path, body)) {
                    boolean open = true;
                    while (open && !done) {
                        String key = keys == Keys.FIXED ? fixedKey() : keyPrefix + sent++;
                        long start = System.nanoTime();
                        HttpConnection.Response response = connection.post(key);
                        long elapsed = System.nanoTime() - start;
                        connectionFailures = 0;
                        open = !response.closing();
                        if (measuring && !done) {
                            requests++;
                            latency.recordValue(Math.min(elapsed, HIGHEST_LATENCY_NANOS));
                            if (!expected(response)) {
                                fail("unexpected response " + response);
                            }
                        }
                    }
                } catch (IOException e) {
                    connectionFailures++;
                    fail(e.toString());
                }
            }
        }

        private boolean expected(HttpConnection.Response response) {
            return response.status() == 201 && response.replayed() == (keys == Keys.FIXED);
        }

        private void fail(String what) {
            if (measuring) {
                failures++;
            }
            if (firstFailure == null) {
                firstFailure = what;
            }
        }
    }
}
