package io.github.idempotency.core.store;

import io.github.idempotency.core.fingerprint.internal.Sha256FingerprintStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The identity of one stored entry: the scope a key was sent in and the key itself.
 *
 * <p>Two requests share an entry only when both the scope and the key are equal, so a key sent
 * by one principal never reaches another principal's entry.
 *
 * @param scope the scope, as produced by a {@link io.github.idempotency.core.scope.ScopeResolver}
 * @param key the idempotency key as sent by the client, after unquoting
 */
public record EntryKey(String scope, String key) {

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    public EntryKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
    }

    /**
     * A fixed-size, collision-resistant name for this entry: the lowercase hex SHA-256 of the
     * length-prefixed scope and key. Networked stores use it as their row or key name so that no
     * raw client input ever reaches a Redis key or a SQL literal.
     *
     * @return 64 lowercase hex characters
     */
    public String digest() {
        MessageDigest sha256 = Sha256FingerprintStrategy.newSha256();
        byte[] s = scope.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] lengths = new byte[2 * 11];
        sha256.update(lengths, 0, lengthPrefix(lengths, 0, s.length));
        sha256.update(s);
        sha256.update(lengths, 11, lengthPrefix(lengths, 11, k.length) - 11);
        sha256.update(k);
        byte[] hash = sha256.digest();
        byte[] hex = new byte[2 * hash.length];
        for (int i = 0; i < hash.length; i++) {
            hex[2 * i] = HEX_DIGITS[(hash[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX_DIGITS[hash[i] & 0xF];
        }
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code length} in decimal and a colon at {@code at}; returns where they end. */
    private static int lengthPrefix(byte[] out, int at, int length) {
        int digits = 1;
        for (int rest = length; rest >= 10; rest /= 10) {
            digits++;
        }
        int end = at + digits;
        int i = end;
        do {
            out[--i] = (byte) ('0' + length % 10);
            length /= 10;
        } while (length > 0);
        out[end] = ':';
        return end + 1;
    }
}
