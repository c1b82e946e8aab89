package io.github.idempotency.core;

import io.github.idempotency.core.key.IdempotencyKey;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import java.util.concurrent.CompletionStage;

/**
 * Run the handler: this request holds the claim on its key. The adapter captures the response and
 * must then call exactly one of {@link #complete(StoredResponse)}, {@link #release(Outcome)} or
 * {@link #abandon(String)}, on every path (including exceptions), or the claim stays renewed.
 *
 * <p>While the handler runs, the engine renews the claim's lease; each of these methods stops the
 * renewal. Calls after the first are ignored. Thread-safe. An adapter on an event loop uses the
 * non-blocking forms {@link #completeAsync(StoredResponse)} and {@link #releaseAsync(Outcome)}.
 */
public final class Proceed implements Decision {

    /**
     * The name of the request attribute (a servlet request's, a WebFlux exchange's) under which the
     * HTTP adapters keep {@link #entryKey()} while the handler runs, so that the application's own
     * code can reach the scope and key of the request it serves: for example to run an
     * {@link io.github.idempotency.core.operation.IdempotentOperations operation} under
     * {@link io.github.idempotency.core.operation.OperationKey#forRequest(String, EntryKey) the request's key},
     * in the same database transaction as its effects. Absent when the request holds no claim.
     */
    public static final String ENTRY_KEY_ATTRIBUTE = "io.github.idempotency.core.EntryKey";

    private final IdempotencyEngine.Execution execution;

    Proceed(IdempotencyEngine.Execution execution) {
        this.execution = execution;
    }

    /** @return the key this request claimed */
    public IdempotencyKey key() {
        return execution.key();
    }

    /**
     * @return the entry this request claimed: the scope the engine's
     *     {@link io.github.idempotency.core.scope.ScopeResolver} gave the request (by default its
     *     principal, method and route) and the key
     */
    public EntryKey entryKey() {
        return execution.entryKey();
    }

    /**
     * @return the largest response body the engine stores; an adapter may stop copying the body
     *     beyond it and complete with {@link StoredResponse#withBodyOmitted(long)}
     */
    public long maxStoredBodyBytes() {
        return execution.maxStoredBodyBytes();
    }

    /**
     * Stores the response as the key's record if the endpoint's storage policy accepts its status
     * (headers the policy excludes are dropped); otherwise releases the key. A body over
     * {@link #maxStoredBodyBytes()} is not stored: the record keeps the status and headers and
     * {@link StoredResponse#withBodyOmitted(long) says the body was omitted}, so that a retry
     * gets them instead of running the handler again. Store failures are logged and counted, never thrown: the client already has its
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
     * The non-blocking form of {@link #complete(StoredResponse)}: the store is called through
     * {@link io.github.idempotency.core.store.Claim#completeAsync}. The stage never fails; a store
     * failure is handled as in {@link #complete(StoredResponse)}.
     *
     * @param response the response exactly as sent to the client
     * @return a stage with {@code true} if the response was stored by this call
     */
    public CompletionStage<Boolean> completeAsync(StoredResponse response) {
        return execution.completeAsync(response);
    }

    /**
     * The non-blocking form of {@link #release(Outcome)}. The stage never fails: a store failure is
     * logged and the key is free again when its lease runs out.
     *
     * @param why recorded as the request's outcome
     * @return a stage completed once the store answered
     */
    public CompletionStage<Void> releaseAsync(Outcome why) {
        return execution.releaseAsync(why);
    }

    /**
     * Releases the key without storing anything, so that a retry runs the handler again: the
     * handler threw before it produced a response, or the response cannot be captured.
     *
     * @param why recorded as the request's outcome (usually {@link Outcome#NOT_STORED})
     */
    public void release(Outcome why) {
        execution.release(why);
    }

    /**
     * Stores nothing and keeps the claim until its lease runs out, without renewing it: for a
     * handler that started and may have had effects but whose response cannot be stored (it
     * stopped in the middle of its body, its asynchronous processing timed out or failed while
     * its work may still run). A retry within the lease gets {@code 409}; after it, the handler
     * runs again. Counted as {@link Outcome#NOT_STORED} and logged at WARN.
     *
     * @param why what happened, for the log line
     */
    public void abandon(String why) {
        execution.abandon(why);
    }

    /**
     * Stops renewing the claim without ending it: {@link #complete}, {@link #release} or
     * {@link #abandon} may still follow, and if none does, the claim lapses when its lease runs
     * out. For an adapter that saw its request end while part of the response may still come
     * (an error page the container renders later).
     */
    public void stopRenewal() {
        execution.stopRenewal();
    }
}
