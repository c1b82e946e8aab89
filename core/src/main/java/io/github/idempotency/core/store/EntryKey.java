package io.github.idempotency.core.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        byte[] s = scope.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        sha256.update((s.length + ":").getBytes(StandardCharsets.US_ASCII));
        sha256.update(s);
        sha256.update((k.length + ":").getBytes(StandardCharsets.US_ASCII));
        sha256.update(k);
        return HexFormat.of().formatHex(sha256.digest());
    }
}
