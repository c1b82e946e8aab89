package io.github.idempotency.core;

import java.util.Locale;

/** What happened to a guarded request; the tag value of the outcome metric. */
public enum Outcome {
    /** The key was new (or its claim was taken over): the handler ran. */
    NEW,
    /** A stored response was replayed. */
    REPLAYED,
    /** The key was used before with a different request: {@code 422}. */
    MISMATCH,
    /** Another request with the key was in flight: {@code 409}. */
    IN_FLIGHT,
    /** The key was required and absent: {@code 400}. */
    MISSING_KEY,
    /** The key header was malformed: {@code 400}. */
    INVALID_KEY,
    /** The request body exceeded the limit: {@code 413}. */
    BODY_TOO_LARGE,
    /** The store failed: {@code 503}, or the handler ran without idempotency (fail open). */
    STORE_ERROR,
    /** The handler ran but its response was not stored (policy, size, exception, lost claim). */
    NOT_STORED,
    /** The key's completed record cannot be read (undecryptable, altered): {@code 500}, the handler did not run. */
    UNREADABLE_RECORD;

    /** @return the lower-case tag value ({@code in_flight}) */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
