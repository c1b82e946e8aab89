package io.github.idempotency.spring.boot;

/**
 * The library's configuration cannot start: a store that is missing, unreachable or without its
 * table, an invalid {@code idempotency.*} property. The message says what is wrong and what to
 * change; {@link IdempotencyFailureAnalyzer} turns it into Spring Boot's "APPLICATION FAILED TO
 * START" report instead of the bottom of a long chain of bean creation exceptions.
 */
public class IdempotencyConfigurationException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and what to change
     * @param cause what the library was told, or {@code null}
     */
    public IdempotencyConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what is wrong and what to change */
    public IdempotencyConfigurationException(String message) {
        super(message);
    }
}
