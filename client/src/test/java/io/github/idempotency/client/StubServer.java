package io.github.idempotency.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server that answers with the statuses a test scripts, one per request (then {@code 201}),
 * and records the method and {@code Idempotency-Key} of every request it receives.
 */
public final class StubServer implements AutoCloseable {

    /** A scripted answer; status 0 closes the connection without answering. */
    public record Scripted(int status, Map<String, String> headers) {

        public static Scripted status(int status) {
            return new Scripted(status, Map.of());
        }

        public static Scripted status(int status, String header, String value) {
            return new Scripted(status, Map.of(header, value));
        }

        public static Scripted lostConnection() {
            return new Scripted(0, Map.of());
        }
    }

    /** A request as the server received it; {@code key} null when it had none. */
    public record Received(String method, String key) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedDeque<Scripted> script = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public StubServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Idempotency-Key")));
        Scripted next = script.poll();
        if (next == null) {
            next = Scripted.status(201);
        }
        if (next.status() == 0) {
            exchange.close();
            return;
        }
        next.headers().forEach(exchange.getResponseHeaders()::add);
        byte[] body = ("{\"status\":" + next.status() + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(next.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** @param answers the answers to the next requests, in order */
    public void script(Scripted... answers) {
        script.addAll(List.of(answers));
    }

    /** @return every request received, in order */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** @return the URI of {@code path} on this server */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
