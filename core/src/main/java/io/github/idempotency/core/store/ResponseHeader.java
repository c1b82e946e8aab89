package io.github.idempotency.core.store;

import java.util.Objects;

/**
 * One response header line. A response keeps its header lines in order, so a name that occurs
 * several times (for example {@code Link} or {@code Vary}) is replayed as several lines in the same
 * order.
 *
 * @param name the header name as the application wrote it
 * @param value the header value
 */
public record ResponseHeader(String name, String value) {
    public ResponseHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
