package io.github.idempotency.core.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A held claim on one entry, returned by {@link IdempotencyStore#claim(ClaimRequest)}. It carries
 * the fencing token of that claim: every follow-up call succeeds only while the store still holds
 * this very claim, so a holder whose lease ran out and was taken over can never overwrite or drop
 * the newer holder's claim.
 *
 * <p>Each method is atomic and, on a networked store, one round trip. Implementations are
 * thread-safe (the engine renews from a timer thread while the request thread completes).
 * Failures to reach the store are thrown as {@link IdempotencyStoreException}.
 *
 * <p>The {@code ...Async} methods are the non-blocking forms, for adapters on an event loop: same
 * outcome, delivered by the returned stage, which fails with the store's exception. Their defaults
 * call the blocking method on the calling thread (see {@link IdempotencyStore}); a store that does
 * I/O overrides them.
 */
public interface Claim {

    /** @return the entry this claim holds */
    EntryKey key();

    /**
     * @return the fencing token: unique among all claims ever made on this key, including claims
     *     made after an earlier entry for the key expired
     */
    long fencingToken();

    /**
     * Replaces the claim by a completed record holding {@code response}, expiring after {@code ttl}.
     *
     * @return {@code true} if stored; {@code false} if this claim is no longer held (lease expired
     *     and taken over, or released), in which case nothing was written
     */
    boolean complete(StoredResponse response, Duration ttl);

    /**
     * Drops the claim so that the next request with the key runs the handler.
     *
     * @return {@code true} if dropped; {@code false} if this claim was no longer held (nothing
     *     changed)
     */
    boolean release();

    /**
     * Extends the lease to {@code lease} from now (store time).
     *
     * @return {@code true} if extended; {@code false} if this claim is no longer held
     */
    boolean renew(Duration lease);

    /**
     * The non-blocking form of {@link #complete(StoredResponse, Duration)}.
     *
     * @return a stage with {@code true} if stored, {@code false} if this claim is no longer held
     */
    default CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
        return now(() -> complete(response, ttl));
    }

    /**
     * The non-blocking form of {@link #release()}.
     *
     * @return a stage with {@code true} if dropped, {@code false} if this claim was no longer held
     */
    default CompletionStage<Boolean> releaseAsync() {
        return now(this::release);
    }

    /**
     * The non-blocking form of {@link #renew(Duration)}.
     *
     * @return a stage with {@code true} if extended, {@code false} if this claim is no longer held
     */
    default CompletionStage<Boolean> renewAsync(Duration lease) {
        return now(() -> renew(lease));
    }

    private static CompletionStage<Boolean> now(Supplier<Boolean> call) {
        try {
            return CompletableFuture.completedFuture(call.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
