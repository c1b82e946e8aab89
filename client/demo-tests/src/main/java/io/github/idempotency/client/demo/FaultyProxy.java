package io.github.idempotency.client.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy for HTTP/1.1 between a client and a server, with plain sockets, that injects the faults
 * a client's retries must survive and records what the server received.
 *
 * <p>Each request is forwarded on a connection of its own, with {@code Connection: close}, and the
 * server's whole response is read (to the end of the connection) before the client gets any of it.
 * So {@link Fault#DROP_RESPONSE} drops the client's connection <em>after the server has processed the
 * request</em> and before the client reads the answer: the client sees a reset connection and cannot
 * know whether its request did anything. {@link Fault#ANSWER_503} answers {@code 503} with
 * {@code Retry-After: 1} itself, without forwarding, as an overloaded gateway would.
 */
public final class FaultyProxy implements AutoCloseable {

    /** What the proxy does with one request. */
    public enum Fault {
        /** Forward it and pass the response on. */
        NONE,
        /** Forward it, read the whole response, then reset the client's connection instead of answering. */
        DROP_RESPONSE,
        /** Answer {@code 503} with {@code Retry-After: 1} without forwarding it. */
        ANSWER_503
    }

    /** Chooses the fault for each request, by its number in the order of arrival (from 1). */
    @FunctionalInterface
    public interface FaultRule {

        /**
         * @param request the request's number, from 1, in the order the proxy received them
         * @return what to do with it
         */
        Fault at(int request);

        /** @return a rule that never injects a fault */
        static FaultRule none() {
            return request -> Fault.NONE;
        }

        /**
         * @param fault the fault
         * @param requests the numbers of the requests that get it
         * @return a rule that injects {@code fault} on those requests only
         */
        static FaultRule on(Fault fault, Integer... requests) {
            Set<Integer> chosen = Set.of(requests);
            return request -> chosen.contains(request) ? fault : Fault.NONE;
        }

        /**
         * @param fault the fault
         * @param share the share of requests that get it, from 0 to 1
         * @param seed the seed of the random choice, so that a run can be repeated
         * @return a rule that injects {@code fault} on a random share of the requests; deterministic
         *     for a given seed when requests arrive one at a time
         */
        static FaultRule randomly(Fault fault, double share, long seed) {
            Random random = new Random(seed);
            return request -> {
                synchronized (random) {
                    return random.nextDouble() < share ? fault : Fault.NONE;
                }
            };
        }
    }

    /**
     * A request as the proxy received it and what became of it.
     *
     * @param number its number in the order of arrival, from 1
     * @param method the request's method
     * @param target the request target (path and query)
     * @param key its {@code Idempotency-Key} header, or {@code null} without one
     * @param fault the fault injected
     * @param status the status the server answered, or 0 when it was not forwarded or did not answer
     */
    public record Exchange(int number, String method, String target, String key, Fault fault, int status) {
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "upgrade",
            "http2-settings", "te");

    private final int upstreamPort;
    private final FaultRule rule;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "faulty-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private int arrived;

    private FaultyProxy(int upstreamPort, FaultRule rule) throws IOException {
        this.upstreamPort = upstreamPort;
        this.rule = rule;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /**
     * @param upstreamPort the port of the server on 127.0.0.1
     * @param rule which requests get which fault
     * @return a running proxy, listening on {@link #port()}
     * @throws IOException if no port can be opened
     */
    public static FaultyProxy start(int upstreamPort, FaultRule rule) throws IOException {
        return new FaultyProxy(upstreamPort, rule);
    }

    /** @return the port to send requests to */
    public int port() {
        return listener.getLocalPort();
    }

    /** @return every finished exchange, in the order they finished */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /**
     * @param key an {@code Idempotency-Key}
     * @return the statuses the server answered to the requests with that key, in the order they
     *     finished; empty when no request had it
     */
    public List<Integer> statuses(String key) {
        return exchanges.stream().filter(e -> key.equals(e.key())).map(Exchange::status).toList();
    }

    /** @return how many finished exchanges had {@code fault} */
    public long count(Fault fault) {
        return exchanges.stream().filter(e -> e.fault() == fault).count();
    }

    /**
     * Waits until {@code count} exchanges have finished (their response read from the server, or
     * answered by the proxy).
     *
     * @param count how many
     * @param timeout the longest to wait
     * @throws IllegalStateException if fewer have finished by then
     * @throws InterruptedException if interrupted
     */
    public void awaitExchanges(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (exchanges) {
            while (exchanges.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(exchanges.size() + " of " + count + " exchanges finished within "
                            + timeout + ": " + exchanges);
                }
                TimeUnit.NANOSECONDS.timedWait(exchanges, left);
            }
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            Head head = Head.read(in);
            if (head == null) {
                return; // the client opened a connection and closed it without a request
            }
            byte[] body = head.readBody(in);
            int number;
            Fault fault;
            synchronized (this) {
                number = ++arrived;
                fault = rule.at(number);
            }
            if (fault == Fault.ANSWER_503) {
                finished(new Exchange(number, head.method(), head.target(), head.header("idempotency-key"), fault, 0));
                write(client, ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            byte[] response = forward(head, body);
            finished(new Exchange(number, head.method(), head.target(), head.header("idempotency-key"), fault,
                    status(response)));
            if (fault == Fault.DROP_RESPONSE || response.length == 0) {
                client.setSoLinger(true, 0); // a reset, as when the connection is lost
                return;
            }
            write(client, response);
        } catch (IOException clientGone) {
            // the client gave up (its timeout) or the server went away: nothing to pass on
        }
    }

    private void finished(Exchange exchange) {
        synchronized (exchanges) {
            exchanges.add(exchange);
            exchanges.notifyAll();
        }
    }

    private byte[] forward(Head head, byte[] body) throws IOException {
        try (Socket upstream = new Socket()) {
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
            // One write: head and body in separate small segments would wait for a delayed ACK (Nagle).
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(head.forwarded());
            request.writeBytes(body);
            OutputStream out = upstream.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return upstream.getInputStream().readAllBytes();
        }
    }

    private static void write(Socket client, byte[] bytes) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(bytes);
        out.flush();
        client.shutdownOutput();
    }

    private static int status(byte[] response) {
        String text = new String(response, 0, Math.min(response.length, 16), StandardCharsets.ISO_8859_1);
        return text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }

    /** @return a description of the faults injected so far, for test output */
    public String summary() {
        return exchanges.size() + " requests, " + count(Fault.DROP_RESPONSE) + " responses dropped, "
                + count(Fault.ANSWER_503) + " answered 503 by the proxy";
    }

    /** @return the time a test may wait for the server: generous, as builds share the machine */
    public static Duration patience() {
        return Duration.ofSeconds(30);
    }

    /** A request's line and headers. */
    private record Head(String requestLine, List<String[]> headers) {

        /** @return the head, or {@code null} when the connection ends before any byte */
        static Head read(InputStream in) throws IOException {
            String requestLine = line(in);
            if (requestLine == null) {
                return null;
            }
            List<String[]> headers = new ArrayList<>();
            for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
                }
            }
            return new Head(requestLine, headers);
        }

        String method() {
            return requestLine.split(" ")[0];
        }

        String target() {
            return requestLine.split(" ")[1];
        }

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        /** @return the body as sent: {@code Content-Length} bytes, or the chunks up to the last one */
        byte[] readBody(InputStream in) throws IOException {
            String length = header("content-length");
            if (length != null) {
                return in.readNBytes(Integer.parseInt(length));
            }
            if (!"chunked".equalsIgnoreCase(header("transfer-encoding"))) {
                return new byte[0];
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(in);
                raw.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                        raw.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    raw.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return raw.toByteArray();
                }
                raw.writeBytes(in.readNBytes(size + 2));
            }
        }

        /** @return the head to send upstream: hop-by-hop headers replaced by {@code Connection: close} */
        byte[] forwarded() {
            StringBuilder head = new StringBuilder(requestLine).append("\r\n");
            for (String[] header : headers) {
                if (!HOP_BY_HOP.contains(header[0].toLowerCase(Locale.ROOT))) {
                    head.append(header[0]).append(": ").append(header[1]).append("\r\n");
                }
            }
            return head.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != -1; b = in.read()) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
