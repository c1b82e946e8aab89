package io.github.idempotency.core.operation;

import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import java.util.concurrent.CompletionStage;

/**
 * The runner's store as its engine sees it: the application's store, remembering on the calling
 * thread the exception of a failed claim, so that the runner rethrows it as the cause of its own
 * (the engine turns a store failure into a decision, which carries no exception).
 */
final class StoreFailureCapture implements IdempotencyStore {

    private final IdempotencyStore store;
    private final ThreadLocal<IdempotencyStoreException> failure = new ThreadLocal<>();

    StoreFailureCapture(IdempotencyStore store) {
        this.store = store;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        try {
            return store.claim(request);
        } catch (IdempotencyStoreException e) {
            failure.set(e);
            throw e;
        }
    }

    @Override
    public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        return store.claimAsync(request);
    }

    /** @return the failure of the last claim on this thread, or {@code null}; forgets it */
    IdempotencyStoreException take() {
        IdempotencyStoreException last = failure.get();
        failure.remove();
        return last;
    }
}
