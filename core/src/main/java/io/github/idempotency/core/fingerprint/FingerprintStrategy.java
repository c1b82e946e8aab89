package io.github.idempotency.core.fingerprint;

import io.github.idempotency.core.RequestView;

/**
 * Decides which parts of a request make up its {@link Fingerprint}. A retry whose fingerprint
 * differs from the stored one is rejected with {@code 422}.
 *
 * <p>Implementations are thread-safe; the returned {@link Fingerprinter} serves one request.
 */
public interface FingerprintStrategy {

    /**
     * Starts fingerprinting one request. The engine then feeds the body to the returned
     * fingerprinter chunk by chunk while it is read, and calls {@link Fingerprinter#finish()}.
     *
     * @param request the request (method, route, query, content type, headers)
     * @return a fingerprinter for this request's body
     */
    Fingerprinter start(RequestView request);

    /** Consumes one request's body as it streams and yields the fingerprint. Not thread-safe. */
    interface Fingerprinter extends RequestView.BodySink {
        /** @return the fingerprint of the request and all body bytes passed to {@code update} */
        Fingerprint finish();
    }

    /**
     * The default: SHA-256 over method, route, path, normalised query (parameters sorted),
     * content type and the exact body bytes, hashed while the body streams.
     *
     * @return the default strategy
     */
    static FingerprintStrategy sha256() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Like {@link #sha256()}, but a JSON body is hashed in canonical form: object keys sorted,
     * insignificant white space removed, numbers in one form ({@code 1.0}, {@code 1} and
     * {@code 1e0} are equal). A body that is not valid JSON is hashed as bytes.
     *
     * @return the JSON-canonicalising strategy
     */
    static FingerprintStrategy canonicalJson() {
        throw new UnsupportedOperationException("TODO");
    }

    /** @return a builder for a strategy with named headers included or JSON fields ignored */
    static FingerprintStrategyBuilder builder() {
        return new FingerprintStrategyBuilder();
    }
}
