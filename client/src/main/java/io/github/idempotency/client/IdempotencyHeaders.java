package io.github.idempotency.client;

/** The header names the client sends, reads and adds. */
public final class IdempotencyHeaders {

    /** The request header that carries the key, as the server library reads it by default. */
    public static final String KEY = "Idempotency-Key";

    /** The response header the server adds, with the value {@code true}, to a replayed response. */
    public static final String REPLAYED = "Idempotent-Replayed";

    /**
     * The response header the Spring and WebClient bindings add, client side, to the final response:
     * how many attempts the operation took (1 when it was not retried). It never goes on the wire.
     */
    public static final String ATTEMPTS = "Idempotency-Attempts";

    /** The response header with the server's wait before a retry: seconds, or an HTTP date. */
    public static final String RETRY_AFTER = "Retry-After";

    private IdempotencyHeaders() {
    }
}
