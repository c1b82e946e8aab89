package io.github.idempotency.core;

import java.io.IOException;

/** A request body is larger than the endpoint's limit; the engine answers {@code 413}. */
public class BodyTooLargeException extends IOException {

    private final long limit;

    /** @param limit the limit that was exceeded, in bytes */
    public BodyTooLargeException(long limit) {
        super("request body exceeds the limit of " + limit + " bytes");
        this.limit = limit;
    }

    /** @return the limit that was exceeded, in bytes */
    public long limit() {
        return limit;
    }
}
