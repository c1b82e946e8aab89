package io.github.idempotency.core.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where entries live: per {@link EntryKey}, either an in-flight claim (fingerprint, lease expiry,
 * fencing token) or a completed record (fingerprint, stored response, expiry).
 *
 * <p>This is the SPI a store implements. {@link #claim(ClaimRequest)} and the methods of the
 * returned {@link Claim} are each atomic per key and, on a networked store, one round trip. A
 * store is correct when it passes the store contract suite published in the test-jar of
 * {@code idempotency-core} ({@code io.github.idempotency.core.store.IdempotencyStoreContract}).
 *
 * <p>Implementations are thread-safe. A store that cannot be reached throws
 * {@link IdempotencyStoreException}; it never answers as if the key were absent.
 *
 * <p>Every operation also has a non-blocking form ({@link #claimAsync(ClaimRequest)} and the
 * {@code ...Async} methods of {@link Claim}) for adapters on an event loop (WebFlux). Their
 * defaults call the blocking form on the calling thread, which is right only for a store that
 * never waits (the in-memory store); a store that does I/O overrides them, with its client's
 * asynchronous API or on an executor of its own, so that they never block the caller.
 */
public interface IdempotencyStore {

    /**
     * Atomically: creates a claim if the entry is absent or expired, or takes over a claim whose
     * lease has run out, returning {@link ClaimResult.Acquired}; otherwise returns what is there,
     * {@link ClaimResult.InFlight} or {@link ClaimResult.Completed}, unchanged.
     *
     * @param request the entry, the claiming request's fingerprint and the lease
     * @return the outcome
     * @throws IdempotencyStoreException if the store cannot answer
     */
    ClaimResult claim(ClaimRequest request);

    /**
     * The non-blocking form of {@link #claim(ClaimRequest)}: the same outcome, delivered by the
     * returned stage, which fails with {@link IdempotencyStoreException} when the store cannot
     * answer. The {@link Claim} of an {@link ClaimResult.Acquired} answer implements its own
     * {@code ...Async} methods without blocking too. Never blocks the calling thread in a store
     * that overrides it; the default calls {@link #claim(ClaimRequest)} on it.
     *
     * @param request the entry, the claiming request's fingerprint and the lease
     * @return the outcome, or a stage failed with the store's exception
     */
    default CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        try {
            return CompletableFuture.completedFuture(claim(request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Asks the store one cheap question, for a health check: a store that keeps its entries on a
     * server asks the server (Redis {@code PING}, a query reading no row of the JDBC table),
     * blocking at most as long as one store call. The default does nothing: a store without a
     * server is available whenever it exists.
     *
     * @throws IdempotencyStoreException if the store cannot answer
     * @throws IllegalStateException if it answers but cannot serve (the JDBC table is missing)
     */
    default void probe() {
    }
}
