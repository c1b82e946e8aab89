package io.github.idempotency.core.fingerprint;

import io.github.idempotency.core.fingerprint.internal.Sha256FingerprintStrategy;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link FingerprintStrategy}; defaults equal {@link FingerprintStrategy#sha256()}. Not
 * thread-safe; the built strategy is immutable and thread-safe, and equal to any strategy built
 * with the same settings.
 */
public final class FingerprintStrategyBuilder {

    private boolean canonicalJson;
    private List<String> includedHeaders = List.of();
    private List<String> ignoredJsonFields = List.of();

    FingerprintStrategyBuilder() {
    }

    /**
     * @param enabled whether JSON bodies are hashed in canonical form (default {@code false}); see
     *     {@link FingerprintStrategy#canonicalJson()}
     * @return this builder
     */
    public FingerprintStrategyBuilder canonicalJson(boolean enabled) {
        this.canonicalJson = enabled;
        return this;
    }

    /**
     * Adds request headers to the fingerprint: the value of every line with one of these names, in
     * order. Replaces the names of an earlier call.
     *
     * @param headerNames headers (case-insensitive) whose values become part of the fingerprint
     * @return this builder
     */
    public FingerprintStrategyBuilder includeHeaders(String... headerNames) {
        this.includedHeaders = List.of(headerNames);
        return this;
    }

    /**
     * Ignores top-level JSON fields (for example a client timestamp). Implies canonical JSON: with
     * at least one field, JSON bodies are canonicalised whatever {@link #canonicalJson(boolean)}
     * says. Fields of nested objects are kept. Replaces the names of an earlier call.
     *
     * @param fieldNames the JSON field names to leave out of the fingerprint
     * @return this builder
     */
    public FingerprintStrategyBuilder ignoreJsonFields(String... fieldNames) {
        this.ignoredJsonFields = List.of(fieldNames);
        return this;
    }

    /**
     * @return the strategy
     * @throws IllegalArgumentException if an included header name is blank
     */
    public FingerprintStrategy build() {
        return new Sha256FingerprintStrategy(
                canonicalJson || !ignoredJsonFields.isEmpty(), includedHeaders, Set.copyOf(ignoredJsonFields));
    }
}
