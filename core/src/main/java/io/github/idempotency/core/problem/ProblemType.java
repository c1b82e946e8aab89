package io.github.idempotency.core.problem;

/**
 * Every case in which the library answers on its own, with its HTTP status and stable
 * problem type. The type URI is the engine's problem base URI followed by {@link #slug()}.
 */
public enum ProblemType {
    /** The endpoint requires a key and the request has none: {@code 400}. */
    MISSING_KEY(400, "missing-idempotency-key", "Idempotency-Key header is required"),
    /** The key header is malformed: {@code 400}. */
    INVALID_KEY(400, "invalid-idempotency-key", "Idempotency-Key header is invalid"),
    /** A request with the same key is still being processed: {@code 409}. */
    IN_FLIGHT(409, "request-in-progress", "A request with this Idempotency-Key is being processed"),
    /** The request body exceeds the endpoint's limit: {@code 413}. */
    BODY_TOO_LARGE(413, "request-body-too-large", "Request body is too large"),
    /** The key was used before with a different request: {@code 422}. */
    FINGERPRINT_MISMATCH(422, "idempotency-key-reused",
            "Idempotency-Key was already used with a different request"),
    /** The idempotency store cannot be reached and the engine fails closed: {@code 503}. */
    STORE_UNAVAILABLE(503, "idempotency-store-unavailable", "Idempotency store is unavailable"),
    /**
     * The key has a completed record that cannot be read (its encryption key is no longer
     * configured, or it was altered): {@code 500}; the handler does not run again.
     */
    UNREADABLE_RECORD(500, "stored-response-unreadable",
            "The stored response for this Idempotency-Key cannot be read");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** @return the HTTP status code of this case */
    public int status() {
        return status;
    }

    /** @return the last path segment of the type URI, stable across releases */
    public String slug() {
        return slug;
    }

    /** @return the short human title, stable across releases */
    public String title() {
        return title;
    }
}
