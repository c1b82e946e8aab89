package io.github.idempotency.core.store;

import io.github.idempotency.core.IdempotencyEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A response as it went on the wire: status, header lines in order, and body bytes. This is what a
 * store keeps and what a replay sends; it never depends on the application's serializers.
 *
 * <p>The body array is owned by this value once constructed: callers must not modify it, and
 * {@link #body()} returns it without copying (responses can be megabytes; a defensive copy per
 * replay would be the largest cost of a replay).
 *
 * @param status the HTTP status code
 * @param headers the header lines in the order they were written
 * @param body the body bytes, never {@code null} (empty for no body)
 */
public record StoredResponse(int status, List<ResponseHeader> headers, byte[] body) {

    private static final byte[] EMPTY_BODY = new byte[0];

    public StoredResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status must be a three-digit code, was " + status);
        }
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /**
     * The record of a response whose body is too large to store: the same status and headers
     * plus {@value io.github.idempotency.core.IdempotencyEngine#BODY_OMITTED_HEADER}{@code : }
     * the body length, and an empty body.
     *
     * @param bodyLength the length of the body that was sent and is not stored
     * @return the record without the body
     */
    public StoredResponse withBodyOmitted(long bodyLength) {
        List<ResponseHeader> lines = new ArrayList<>(headers.size() + 1);
        lines.addAll(headers);
        lines.add(new ResponseHeader(IdempotencyEngine.BODY_OMITTED_HEADER, Long.toString(bodyLength)));
        return new StoredResponse(status, lines, EMPTY_BODY);
    }

    /** @return every value of the header {@code name} (case-insensitive), in order */
    public List<String> headerValues(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(ResponseHeader::value).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredResponse other
                && status == other.status
                && headers.equals(other.headers)
                && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * status + headers.hashCode()) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "StoredResponse[status=" + status + ", headers=" + headers + ", body=" + body.length + " bytes]";
    }
}
