package io.github.idempotency.core;

/** What the engine does when the store cannot be reached at claim time. */
public enum StoreFailureMode {
    /** Answer {@code 503} with {@code Retry-After}; the handler does not run (the default). */
    FAIL_CLOSED,
    /** Run the handler without idempotency; the event is logged at WARN and counted. */
    FAIL_OPEN
}
