package io.github.idempotency.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * An operation that was attempted more than once ended in a failure: the retry policy gave up (its
 * attempts or its time ran out) or the last failure was not one to retry. The cause is the last
 * attempt's failure, the earlier ones are suppressed. An operation that failed on its only attempt
 * throws that failure itself, not this.
 *
 * <p>The server may have done the work of an earlier attempt: retry later with the same key
 * ({@link #key()}) to get its stored response, never with a new key.
 */
public class AttemptsFailedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final int attempts;

    /**
     * @param method the request's method
     * @param uri the request's URI
     * @param key the operation's key
     * @param attempts how many attempts were made
     * @param elapsed how long they took
     * @param cause the last attempt's failure
     */
    public AttemptsFailedException(String method, URI uri, String key, int attempts, Duration elapsed, Throwable cause) {
        super(method + " " + uri + " failed after " + attempts + " attempts in " + elapsed.toMillis()
                + " ms with " + IdempotencyHeaders.KEY + " " + key + " (last: " + cause + "); the server may have "
                + "done the work: retry later with the same key to get its stored response, not with a new key",
                cause);
        this.key = key;
        this.attempts = attempts;
    }

    /** @return the key every attempt carried */
    public String key() {
        return key;
    }

    /** @return how many attempts were made */
    public int attempts() {
        return attempts;
    }
}
