package io.github.idempotency.core.store;

/**
 * The store could not be reached or could not answer (connection refused, timeout, unexpected
 * data). The engine turns it into the configured store-failure behaviour (fail closed with
 * {@code 503}, or fail open).
 */
public class IdempotencyStoreException extends RuntimeException {

    public IdempotencyStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public IdempotencyStoreException(String message) {
        super(message);
    }
}
