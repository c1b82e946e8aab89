package io.github.idempotency.core.store;

import java.util.Optional;

/**
 * A store that can look up one entry without replaying it and evict it: what an operator needs to
 * answer "what does the store hold for this key?" and to make a key run its handler again. An
 * optional capability: a store that has it implements this interface, and code that needs it
 * (the Spring Boot Actuator endpoint {@code idempotency}) checks for it, so no store has to throw
 * {@link UnsupportedOperationException}. The in-memory, Redis and JDBC (auto-commit) stores have
 * it.
 *
 * <p>Both methods block, each at most as long as one store call, and are meant for occasional
 * administrative use, not for the request path. They see only live entries: an entry whose lease
 * or TTL has ended is absent, as it is to {@link #claim(ClaimRequest)}. The store contract suite
 * checks both on every store that implements this interface.
 */
public interface InspectableStore extends IdempotencyStore {

    /**
     * Reads the entry as {@link #claim(ClaimRequest)} would find it, without changing it (the lease
     * of a claim is not extended, a record is not touched).
     *
     * @param key the entry
     * @return what the entry holds, without the body or header values; empty when there is no
     *     live entry
     * @throws IdempotencyStoreException if the store cannot answer
     */
    Optional<EntrySummary> inspect(EntryKey key);

    /**
     * Deletes the entry, whatever it holds: the next request with the key runs the handler, as if
     * the key were new.
     *
     * <p>Evicting a completed record loses the stored response: a retry that comes after runs the
     * handler again. Evicting an in-flight claim frees the key while its handler may still be
     * running: that holder's {@link Claim#complete complete}, {@link Claim#release release} and
     * {@link Claim#renew renew} then fail their fencing check and change nothing (its response is
     * sent, not stored), and a request with the key that comes meanwhile runs the handler at the
     * same time. Evict a claim only when its holder is known to be gone, or wait for its lease to
     * end.
     *
     * @param key the entry
     * @return {@code true} if a live entry was deleted; {@code false} if there was none
     * @throws IdempotencyStoreException if the store cannot answer
     */
    boolean evict(EntryKey key);
}
