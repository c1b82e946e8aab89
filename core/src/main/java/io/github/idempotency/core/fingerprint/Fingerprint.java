package io.github.idempotency.core.fingerprint;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The digest of the parts of a request that must be equal for a retry to count as the same
 * request. Immutable; equality is by content.
 */
public final class Fingerprint {

    private final byte[] bytes;

    private Fingerprint(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @param digest the digest bytes (copied), 1 to 64 bytes
     * @return the fingerprint
     * @throws IllegalArgumentException if the digest is empty or longer than 64 bytes
     */
    public static Fingerprint of(byte[] digest) {
        return of(digest, 0, digest.length);
    }

    /**
     * @param source an array holding the digest bytes
     * @param offset where the digest starts in {@code source}
     * @param length the digest's length, 1 to 64 bytes
     * @return the fingerprint, with a copy of those bytes
     * @throws IllegalArgumentException if {@code length} is not 1 to 64
     * @throws IndexOutOfBoundsException if the range is not inside {@code source}
     */
    public static Fingerprint of(byte[] source, int offset, int length) {
        if (length <= 0 || length > 64) {
            throw new IllegalArgumentException("a fingerprint is 1 to 64 bytes, was " + length);
        }
        Objects.checkFromIndexSize(offset, length, source.length);
        return new Fingerprint(Arrays.copyOfRange(source, offset, offset + length));
    }

    /**
     * @param hex lowercase or uppercase hex, as produced by {@link #hex()}
     * @return the fingerprint
     * @throws IllegalArgumentException if {@code hex} is not valid hex of 1 to 64 bytes
     */
    public static Fingerprint fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    /** @return a copy of the digest bytes */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return the digest as lowercase hex */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Fingerprint[" + hex() + "]";
    }
}
