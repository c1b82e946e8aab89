package io.github.idempotency.core.store;

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
}
