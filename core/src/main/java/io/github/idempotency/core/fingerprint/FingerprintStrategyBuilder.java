package io.github.idempotency.core.fingerprint;

/** Builds a {@link FingerprintStrategy}; defaults equal {@link FingerprintStrategy#sha256()}. */
public final class FingerprintStrategyBuilder {

    FingerprintStrategyBuilder() {
    }

    /**
     * @param enabled whether JSON bodies are hashed in canonical form (default {@code false})
     * @return this builder
     */
    public FingerprintStrategyBuilder canonicalJson(boolean enabled) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * @param headerNames headers (case-insensitive) whose values become part of the fingerprint
     * @return this builder
     */
    public FingerprintStrategyBuilder includeHeaders(String... headerNames) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Ignores top-level JSON fields (for example a client timestamp). Implies canonical JSON.
     *
     * @param fieldNames the JSON field names to leave out of the fingerprint
     * @return this builder
     */
    public FingerprintStrategyBuilder ignoreJsonFields(String... fieldNames) {
        throw new UnsupportedOperationException("TODO");
    }

    /** @return the strategy */
    public FingerprintStrategy build() {
        throw new UnsupportedOperationException("TODO");
    }
}
