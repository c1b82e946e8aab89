package io.github.idempotency.core;

/**
 * Observes the engine's decisions and store calls, for metrics, tracing or audit. Called on the
 * request thread (renewals on the renewal thread); implementations are thread-safe, fast and never
 * throw (exceptions are logged and ignored).
 */
public interface IdempotencyListener {

    /** The store operations the engine times. */
    enum StoreOperation {
        CLAIM, COMPLETE, RELEASE, RENEW;
    }

    /**
     * @param outcome what happened
     * @param request the request it happened to
     */
    default void onOutcome(Outcome outcome, RequestView request) {
    }

    /**
     * @param operation the store call
     * @param nanos how long it took, in nanoseconds
     * @param succeeded {@code false} if it threw
     */
    default void onStoreCall(StoreOperation operation, long nanos, boolean succeeded) {
    }

    /** @return a listener that does nothing */
    static IdempotencyListener none() {
        return new IdempotencyListener() {
        };
    }
}
