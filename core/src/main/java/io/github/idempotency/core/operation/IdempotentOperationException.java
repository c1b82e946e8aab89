package io.github.idempotency.core.operation;

import java.util.Objects;

/**
 * Why {@link IdempotentOperations} did not return a result for an operation; each subclass is one
 * case and its message says what to do. A store that cannot be reached is not one of them: it
 * throws {@link io.github.idempotency.core.store.IdempotencyStoreException}.
 */
public abstract class IdempotentOperationException extends RuntimeException {

    private final OperationKey key;

    IdempotentOperationException(OperationKey key, String message, Throwable cause) {
        super(message, cause);
        this.key = Objects.requireNonNull(key, "key");
    }

    /** @return the key and scope as messages name them */
    static String describe(OperationKey key) {
        return "'" + key.key() + "' in scope '" + key.scope() + "'";
    }

    /** @return the operation the call was for */
    public OperationKey key() {
        return key;
    }
}
