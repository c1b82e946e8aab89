package io.github.idempotency.core.operation;

import java.time.Duration;
import java.util.Objects;

/**
 * Another call with the same key and inputs still runs the operation (it holds a live claim), and
 * this call did not wait or waited as long as its {@link io.github.idempotency.core.ConcurrencyPolicy}
 * allows. The operation did not run in this call. Retry after {@link #retryAfter()}: the retry gets
 * the first call's result, or runs the operation if the first call failed or died.
 *
 * <p>A message consumer typically lets the broker redeliver the message later.
 */
public final class OperationInProgressException extends IdempotentOperationException {

    private final Duration retryAfter;

    OperationInProgressException(OperationKey key, Duration retryAfter) {
        super(key, "The operation with key " + describe(key) + " is still running in"
                + " another call, so it did not run again. Retry after " + retryAfter.toMillis()
                + " ms to receive its result.", null);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** @return how long to wait before retrying */
    public Duration retryAfter() {
        return retryAfter;
    }
}
