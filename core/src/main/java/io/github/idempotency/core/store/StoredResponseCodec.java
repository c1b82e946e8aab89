package io.github.idempotency.core.store;

/**
 * The binary form of a {@link StoredResponse} for stores that keep bytes (Redis, JDBC): versioned,
 * compact, binary-safe (the body is copied verbatim, no base64), no Java serialization and no type
 * information.
 *
 * <p>Layout, version 1 (all integers big-endian): magic {@code 0x49 0x4B} ("IK"), version byte
 * {@code 1}, status as unsigned 16 bits, header count as 32 bits, then per header the name and the
 * value each as a 32-bit byte length followed by UTF-8 bytes, then the body as a 32-bit length
 * followed by the bytes.
 */
public final class StoredResponseCodec {

    private StoredResponseCodec() {
    }

    /**
     * @param response the response
     * @return its encoded form
     */
    public static byte[] encode(StoredResponse response) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * @param encoded bytes produced by {@link #encode(StoredResponse)}
     * @return the response
     * @throws IllegalArgumentException if the bytes are not a stored response of a known version
     */
    public static StoredResponse decode(byte[] encoded) {
        throw new UnsupportedOperationException("TODO");
    }
}
