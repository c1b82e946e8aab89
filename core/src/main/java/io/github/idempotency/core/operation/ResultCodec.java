package io.github.idempotency.core.operation;

import java.io.IOException;

/**
 * Turns an operation's result into the bytes its record keeps, and back; also encodes the inputs
 * whose fingerprint a later call must match. The default is {@link #jackson()}: JSON, without type
 * information in the bytes, so what a record decodes into is always the type the caller names.
 *
 * <p>Implementations are thread-safe. A codec must never let the bytes choose the class they
 * decode into (no Java serialization, no polymorphic typing driven by the data): a record is data
 * read back from a shared store.
 */
public interface ResultCodec {

    /**
     * @param value a result or the inputs of an operation; may be {@code null}
     * @return its encoded form; equal values give equal bytes (for JSON, up to the order of object
     *     members, which the fingerprint ignores)
     * @throws IOException if the value cannot be encoded
     */
    byte[] encode(Object value) throws IOException;

    /**
     * @param <T> the result type
     * @param encoded bytes produced by {@link #encode(Object)}
     * @param type the type the caller expects
     * @return the decoded value; may be {@code null}
     * @throws IOException if the bytes cannot be decoded into {@code type}
     */
    <T> T decode(byte[] encoded, ResultType<T> type) throws IOException;

    /** @return JSON with Jackson's defaults, default typing off (see {@link JacksonResultCodec#JacksonResultCodec()}) */
    static ResultCodec jackson() {
        return JacksonResultCodec.DEFAULT;
    }
}
