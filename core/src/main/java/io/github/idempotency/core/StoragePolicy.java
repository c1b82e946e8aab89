package io.github.idempotency.core;

/**
 * Decides from the final status whether a response is stored (and replayed to retries) or the key
 * is released (and a retry runs the handler again).
 */
@FunctionalInterface
public interface StoragePolicy {

    /**
     * @param status the final HTTP status of the response
     * @return {@code true} to store the response, {@code false} to release the key
     */
    boolean shouldStore(int status);

    /**
     * The default: store every final response except {@code 5xx}, {@code 408}, {@code 425} and
     * {@code 429}, which a client is expected to retry.
     *
     * @return the default policy
     */
    static StoragePolicy defaults() {
        return status -> status < 500 && status != 408 && status != 425 && status != 429;
    }

    /**
     * Stripe's behaviour: every final response is stored and replayed, {@code 5xx} included.
     *
     * @return the store-everything policy
     */
    static StoragePolicy storeAll() {
        return status -> true;
    }
}
