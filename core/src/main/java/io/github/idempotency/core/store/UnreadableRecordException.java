package io.github.idempotency.core.store;

/**
 * The store holds a completed record for the entry, but it cannot be read: it was encrypted under
 * a key that is no longer configured, it was altered or moved to another entry (its
 * authentication failed), or it is not in the expected form. Thrown by
 * {@link IdempotencyStore#claim(ClaimRequest)} (and the failed stage of
 * {@link IdempotencyStore#claimAsync(ClaimRequest)}) of a store decorator that decrypts records,
 * such as {@code io.github.idempotency.core.protect.StoreProtection}.
 *
 * <p>This is not a store failure: the store answered, and the answer says that a handler already
 * ran for the key. The engine therefore never runs the handler again: it answers {@code 500}
 * with the problem type {@code stored-response-unreadable}, logs at ERROR and counts the outcome
 * {@code unreadable_record}. The message names the entry's key id and the reason, never key
 * material or record content.
 */
public class UnreadableRecordException extends RuntimeException {

    /**
     * @param message what cannot be read and what to do about it; never key material
     * @param cause the cryptographic or decoding failure, if any
     */
    public UnreadableRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what cannot be read and what to do about it; never key material */
    public UnreadableRecordException(String message) {
        super(message);
    }
}
