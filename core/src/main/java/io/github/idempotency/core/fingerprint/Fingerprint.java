package io.github.idempotency.core.fingerprint;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

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
        if (digest.length == 0 || digest.length > 64) {
            throw new IllegalArgumentException("a fingerprint is 1 to 64 bytes, was " + digest.length);
        }
        return new Fingerprint(digest.clone());
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
