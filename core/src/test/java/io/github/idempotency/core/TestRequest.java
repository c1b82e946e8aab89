package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable in-memory {@link RequestView} for tests. Every {@code with...} method returns a
 * changed copy, so one base request can be varied part by part:
 *
 * <pre>{@code
 * TestRequest base = TestRequest.post("/payments").withJsonBody("{\"amount\": 1250}");
 * TestRequest other = base.withQuery("dry_run=true");
 * }</pre>
 *
 * <p>{@link #readBody} behaves like a streaming adapter: it passes the body in chunks of varying
 * size (see {@link #withChunkSizes}), each copied into a reused buffer at a non-zero offset that is
 * overwritten after the call, so a sink that keeps a reference instead of copying sees garbage. It
 * passes at most {@code maxBytes} bytes and then throws {@link BodyTooLargeException}.
 */
public final class TestRequest implements RequestView {

    /** The chunk sizes {@link #readBody} cycles through unless told otherwise. */
    public static final int[] DEFAULT_CHUNK_SIZES = {1, 7, 64, 3, 1000, 2};

    private static final int CHUNK_OFFSET = 5;

    private final String method;
    private final String route;
    private final String path;
    private final String query;
    private final List<Map.Entry<String, String>> headers;
    private final String principal;
    private final byte[] body;
    private final int[] chunkSizes;

    private TestRequest(String method, String route, String path, String query,
            List<Map.Entry<String, String>> headers, String principal, byte[] body, int[] chunkSizes) {
        this.method = method;
        this.route = route;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.principal = principal;
        this.body = body;
        this.chunkSizes = chunkSizes;
    }

    /**
     * @param method the HTTP method
     * @param path the path; also the route until {@link #withRoute} says otherwise
     * @return an anonymous request without query, headers or body
     */
    public static TestRequest of(String method, String path) {
        return new TestRequest(Objects.requireNonNull(method), path, Objects.requireNonNull(path), null,
                List.of(), null, new byte[0], DEFAULT_CHUNK_SIZES);
    }

    /** @param path the path and route @return a {@code POST} request */
    public static TestRequest post(String path) {
        return of("POST", path);
    }

    /** @param method the HTTP method @return a copy with that method */
    public TestRequest withMethod(String method) {
        return new TestRequest(Objects.requireNonNull(method), route, path, query, headers, principal, body,
                chunkSizes);
    }

    /** @param route the matched route template @return a copy with that route */
    public TestRequest withRoute(String route) {
        return new TestRequest(method, Objects.requireNonNull(route), path, query, headers, principal, body,
                chunkSizes);
    }

    /** @param path the path (the route is unchanged) @return a copy with that path */
    public TestRequest withPath(String path) {
        return new TestRequest(method, route, Objects.requireNonNull(path), query, headers, principal, body,
                chunkSizes);
    }

    /** @param query the raw query string without {@code ?}, or null for none @return a copy */
    public TestRequest withQuery(String query) {
        return new TestRequest(method, route, path, query, headers, principal, body, chunkSizes);
    }

    /**
     * @param name a header name
     * @param value the value of one more line with that name
     * @return a copy with the line added after the existing ones
     */
    public TestRequest withHeader(String name, String value) {
        List<Map.Entry<String, String>> added = new ArrayList<>(headers);
        added.add(Map.entry(name, value));
        return new TestRequest(method, route, path, query, List.copyOf(added), principal, body, chunkSizes);
    }

    /** @param name a header name, case-insensitive @return a copy without any line of that name */
    public TestRequest withoutHeader(String name) {
        List<Map.Entry<String, String>> kept = headers.stream()
                .filter(h -> !h.getKey().equalsIgnoreCase(name))
                .toList();
        return new TestRequest(method, route, path, query, kept, principal, body, chunkSizes);
    }

    /** @param contentType the {@code Content-Type} value @return a copy with only this content type */
    public TestRequest withContentType(String contentType) {
        return withoutHeader("Content-Type").withHeader("Content-Type", contentType);
    }

    /** @param principal the authenticated principal's name, or null for anonymous @return a copy */
    public TestRequest withPrincipal(String principal) {
        return new TestRequest(method, route, path, query, headers, principal, body, chunkSizes);
    }

    /** @param body the body bytes (copied) @return a copy with that body */
    public TestRequest withBody(byte[] body) {
        return new TestRequest(method, route, path, query, headers, principal, body.clone(), chunkSizes);
    }

    /** @param body the body, encoded as UTF-8 @return a copy with that body */
    public TestRequest withBody(String body) {
        return withBody(body.getBytes(StandardCharsets.UTF_8));
    }

    /** @param json a JSON document @return a copy with that body and {@code application/json} */
    public TestRequest withJsonBody(String json) {
        return withContentType("application/json").withBody(json);
    }

    /**
     * @param sizes the chunk sizes {@link #readBody} cycles through, each at least 1
     * @return a copy that reads its body in chunks of these sizes
     */
    public TestRequest withChunkSizes(int... sizes) {
        if (sizes.length == 0 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("chunk sizes must be at least 1: " + Arrays.toString(sizes));
        }
        return new TestRequest(method, route, path, query, headers, principal, body, sizes.clone());
    }

    /** @return a copy of the body bytes */
    public byte[] body() {
        return body.clone();
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String route() {
        return route;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Optional<String> query() {
        return Optional.ofNullable(query);
    }

    @Override
    public Optional<String> contentType() {
        return headerValues("Content-Type").stream().findFirst();
    }

    @Override
    public List<String> headerValues(String name) {
        return headers.stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .toList();
    }

    @Override
    public Optional<String> principal() {
        return Optional.ofNullable(principal);
    }

    @Override
    public void readBody(long maxBytes, BodySink sink) throws BodyTooLargeException {
        int largestChunk = Arrays.stream(chunkSizes).max().orElseThrow();
        byte[] buffer = new byte[CHUNK_OFFSET + largestChunk];
        int position = 0;
        for (int chunk = 0; position < body.length; chunk++) {
            int length = Math.min(chunkSizes[chunk % chunkSizes.length], body.length - position);
            if (position + length > maxBytes) {
                int allowed = (int) Math.max(0, maxBytes - position);
                if (allowed > 0) {
                    passChunk(sink, buffer, position, allowed);
                }
                throw new BodyTooLargeException(maxBytes);
            }
            passChunk(sink, buffer, position, length);
            position += length;
        }
    }

    private void passChunk(BodySink sink, byte[] buffer, int position, int length) {
        System.arraycopy(body, position, buffer, CHUNK_OFFSET, length);
        sink.update(buffer, CHUNK_OFFSET, length);
        Arrays.fill(buffer, (byte) 0x55);
    }

    @Override
    public String toString() {
        return method + " " + path + (query != null ? "?" + query : "") + " " + headers + " ("
                + body.length + " body bytes)";
    }
}
