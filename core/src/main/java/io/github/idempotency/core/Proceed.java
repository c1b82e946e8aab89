package io.github.idempotency.core;

import io.github.idempotency.core.key.IdempotencyKey;
import io.github.idempotency.core.store.StoredResponse;

/**
 * Run the handler: this request holds the claim on its key. The adapter captures the response and
 * must then call exactly one of {@link #complete(StoredResponse)} or {@link #release(Outcome)},
 * on every path (including exceptions), or the claim stays until its lease runs out.
 *
 * <p>While the handler runs, the engine renews the claim's lease; both methods stop the renewal.
 * Calls after the first are ignored. Thread-safe.
 */
public final class Proceed implements Decision {

    private final IdempotencyEngine.Execution execution;

    Proceed(IdempotencyEngine.Execution execution) {
        this.execution = execution;
    }

    /** @return the key this request claimed */
    public IdempotencyKey key() {
        return execution.key();
    }

    /**
     * @return the largest response body the engine stores; an adapter stops capturing beyond it
     *     and calls {@link #release(Outcome)} with {@link Outcome#NOT_STORED}
     */
    public long maxStoredBodyBytes() {
        return execution.maxStoredBodyBytes();
    }

    /**
     * Stores the response as the key's record if the endpoint's storage policy accepts its status
     * and it fits the size limit (headers the policy excludes are dropped); otherwise releases the
     * key. Store failures are logged and counted, never thrown: the client already has its
     * response. After a store failure the engine keeps trying to store the response in the
     * background until the claim's lease runs out, so a store that comes back within the lease
     * still replays it.
     *
     * @param response the response exactly as sent to the client
     * @return {@code true} if the response was stored by this call
     */
    public boolean complete(StoredResponse response) {
        return execution.complete(response);
    }

    /**
     * Releases the key without storing anything, so that a retry runs the handler again: the
     * handler threw, the response could not be captured (streaming, async, too large).
     *
     * @param why recorded as the request's outcome (usually {@link Outcome#NOT_STORED})
     */
    public void release(Outcome why) {
        execution.release(why);
    }
}
