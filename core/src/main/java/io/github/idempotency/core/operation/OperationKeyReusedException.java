package io.github.idempotency.core.operation;

/**
 * The key was used before, by a call that completed or still runs, with other inputs (their
 * fingerprints differ). The operation did not run. A key names one operation: a call with other
 * inputs is another operation and needs another key.
 */
public final class OperationKeyReusedException extends IdempotentOperationException {

    OperationKeyReusedException(OperationKey key) {
        super(key, "The key " + describe(key) + " was already used with other inputs, so the operation did not run."
                + " Use a new key for an operation with other inputs; a retry must pass the same inputs.", null);
    }
}
