package io.github.idempotency.core.fingerprint;

import io.github.idempotency.core.RequestView;
import io.github.idempotency.core.fingerprint.internal.Sha256FingerprintStrategy;

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
     * <p>Each part is length-prefixed, so no two different requests share an input. The query is
     * split at {@code &} and its parameters sorted as whole {@code name=value} strings, without
     * percent-decoding ({@code a=1&b=2} equals {@code b=2&a=1}, {@code a=1&a=2} equals
     * {@code a=2&a=1}, {@code a=%31} differs from {@code a=1}); an empty query equals none. The
     * content type is lower-cased and white space around {@code ;} removed
     * ({@code application/json; charset=UTF-8} equals {@code application/json;charset=utf-8}).
     * The principal is not part of the fingerprint: it is part of the scope.
     *
     * @return the default strategy
     */
    static FingerprintStrategy sha256() {
        return Sha256FingerprintStrategy.DEFAULT;
    }

    /**
     * Like {@link #sha256()}, but a JSON body is hashed in canonical form: object keys sorted,
     * insignificant white space removed, numbers in one form ({@code 1.0}, {@code 1} and
     * {@code 1e0} are equal). A body that is not valid JSON is hashed as bytes.
     *
     * <p>A body counts as JSON when its content type is {@code application/json} or
     * {@code application/*+json}; such a body is buffered whole (it is bounded by the endpoint's
     * request body limit), other bodies stream as with {@link #sha256()}. Strings compare by their
     * unicode value (<code>"&#92;u00e9"</code> equals {@code "é"}), big integers exactly. These
     * bodies are hashed as exact bytes, never rejected, so the application still answers them
     * itself: invalid JSON, an empty body, trailing content, a document with a duplicate member
     * name, a document nested deeper than 64 arrays and objects (a guard against JSON bombs), and a
     * number of more than 1000 characters or whose exponent is out of range.
     *
     * @return the JSON-canonicalising strategy
     */
    static FingerprintStrategy canonicalJson() {
        return Sha256FingerprintStrategy.CANONICAL_JSON;
    }

    /** @return a builder for a strategy with named headers included or JSON fields ignored */
    static FingerprintStrategyBuilder builder() {
        return new FingerprintStrategyBuilder();
    }
}
