package io.github.idempotency.benchmarks;

import io.github.idempotency.core.BodyTooLargeException;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.RequestView;
import java.util.List;
import java.util.Optional;

/**
 * An anonymous {@code POST /payments} with a JSON body held in memory, handed out in chunks of
 * {@value #CHUNK_BYTES} bytes as a servlet container's input stream would. The only header is the
 * key. Immutable; the body array is shared, not copied.
 */
final class ByteArrayRequest implements RequestView {

    /** The chunk size bodies are fed in, as a typical 8 KiB read buffer delivers them. */
    static final int CHUNK_BYTES = 8 * 1024;

    private final List<String> keyValues;
    private final byte[] body;

    ByteArrayRequest(String key, byte[] body) {
        this.keyValues = List.of(key);
        this.body = body;
    }

    /** @return the same request with another key */
    ByteArrayRequest withKey(String key) {
        return new ByteArrayRequest(key, body);
    }

    /** Passes {@code body} to {@code sink} in chunks of {@value #CHUNK_BYTES} bytes. */
    static void feed(byte[] body, BodySink sink) {
        for (int at = 0; at < body.length; at += CHUNK_BYTES) {
            sink.update(body, at, Math.min(CHUNK_BYTES, body.length - at));
        }
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public String route() {
        return "/payments";
    }

    @Override
    public String path() {
        return "/payments";
    }

    @Override
    public Optional<String> query() {
        return Optional.empty();
    }

    @Override
    public Optional<String> contentType() {
        return Optional.of("application/json");
    }

    @Override
    public List<String> headerValues(String name) {
        return IdempotencyEngine.DEFAULT_KEY_HEADER.equalsIgnoreCase(name) ? keyValues : List.of();
    }

    @Override
    public Optional<String> principal() {
        return Optional.empty();
    }

    @Override
    public void readBody(long maxBytes, BodySink sink) throws BodyTooLargeException {
        if (body.length > maxBytes) {
            throw new BodyTooLargeException(maxBytes);
        }
        feed(body, sink);
    }
}
