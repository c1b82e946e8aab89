package io.github.idempotency.core.protect;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The immutable {@link KeyProvider}: a fixed set of AES keys by id, the current one's id, and the
 * fingerprint HMAC keys. Build with {@link #builder()}; key material given as bytes is copied, and
 * {@link #toString()} shows the key ids and the number of fingerprint keys, never the material.
 *
 * <pre>{@code
 * EncryptionKeys keys = EncryptionKeys.builder()
 *         .key("2026-11", Base64.getDecoder().decode(System.getenv("IDEMPOTENCY_KEY_2026_11")))
 *         .key("2026-12", Base64.getDecoder().decode(System.getenv("IDEMPOTENCY_KEY_2026_12")))
 *         .currentKeyId("2026-12")
 *         .fingerprintKey(Base64.getDecoder().decode(System.getenv("IDEMPOTENCY_FINGERPRINT_KEY")))
 *         .build();
 * }</pre>
 */
public final class EncryptionKeys implements KeyProvider {

    /** Key ids: what a record names in clear, so letters, digits, {@code .}, {@code _}, {@code -} only. */
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The shortest fingerprint HMAC key accepted, in bytes. */
    static final int MIN_FINGERPRINT_KEY_BYTES = 16;

    private final Map<String, SecretKey> keys;
    private final String currentKeyId;
    private final List<SecretKey> fingerprintKeys;

    private EncryptionKeys(Builder b) {
        this.keys = Map.copyOf(b.keys);
        this.currentKeyId = b.currentKeyId;
        this.fingerprintKeys = List.copyOf(b.fingerprintKeys);
    }

    /** @return a builder with no keys */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String currentKeyId() {
        return currentKeyId;
    }

    @Override
    public Optional<SecretKey> encryptionKey(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public List<SecretKey> fingerprintKeys() {
        return fingerprintKeys;
    }

    /** @return the key ids and the current one, without any key material */
    @Override
    public String toString() {
        return "EncryptionKeys[current=" + currentKeyId + ", keys=" + keys.keySet().stream().sorted().toList()
                + ", fingerprintKeys=" + fingerprintKeys.size() + ", material=(masked)]";
    }

    /**
     * @param keyId a key id
     * @throws IllegalArgumentException if it is not 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
     */
    static void checkKeyId(String keyId) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("an encryption key id is 1 to 64 letters, digits, '.', '_' or '-' (it is"
                    + " stored in clear with each record), was " + (keyId == null ? "null" : "\"" + keyId + "\""));
        }
    }

    /**
     * Decodes base64 key material, saying which key is wrong without showing it.
     *
     * @param what the key's name in a message ("encryption key 2026-12")
     * @param base64 standard or URL-safe base64, with or without padding
     * @return the bytes
     * @throws IllegalArgumentException if it is not base64
     */
    public static byte[] decodeBase64(String what, String base64) {
        Objects.requireNonNull(base64, what);
        String trimmed = base64.trim();
        try {
            return (trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64 (its value is not shown); generate one with"
                    + " `openssl rand -base64 32`");
        }
    }

    /** Builds {@link EncryptionKeys}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, SecretKey> keys = new LinkedHashMap<>();
        private String currentKeyId;
        private final List<SecretKey> fingerprintKeys = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds an AES key. The first key added is current unless {@link #currentKeyId(String)} names another.
         *
         * @param keyId its id, stored in clear with every record encrypted under it: 1 to 64
         *     letters, digits, {@code .}, {@code _} or {@code -}
         * @param material 16, 24 or 32 bytes (AES-128, -192, -256); copied
         * @return this
         * @throws IllegalArgumentException if the id is malformed or taken, or the key has another length
         */
        public Builder key(String keyId, byte[] material) {
            checkKeyId(keyId);
            Objects.requireNonNull(material, "material");
            if (material.length != 16 && material.length != 24 && material.length != 32) {
                throw new IllegalArgumentException("encryption key " + keyId + " has " + material.length
                        + " bytes; an AES key has 16, 24 or 32 bytes (32 recommended: `openssl rand -base64 32`)");
            }
            if (keys.putIfAbsent(keyId, new SecretKeySpec(material, "AES")) != null) {
                throw new IllegalArgumentException("encryption key id " + keyId + " is given twice");
            }
            return this;
        }

        /**
         * @param keyId the id of the key new records are encrypted under (default: the first key added)
         * @return this
         */
        public Builder currentKeyId(String keyId) {
            checkKeyId(keyId);
            this.currentKeyId = keyId;
            return this;
        }

        /**
         * Adds a fingerprint HMAC key; the first added computes new fingerprints, later ones are
         * still accepted (rotation: add the new one first and keep the old one for a TTL).
         *
         * @param material at least 16 bytes (32 recommended); copied
         * @return this
         * @throws IllegalArgumentException if shorter
         */
        public Builder fingerprintKey(byte[] material) {
            Objects.requireNonNull(material, "material");
            if (material.length < MIN_FINGERPRINT_KEY_BYTES) {
                throw new IllegalArgumentException("a fingerprint key has at least " + MIN_FINGERPRINT_KEY_BYTES
                        + " bytes (32 recommended: `openssl rand -base64 32`), this one has " + material.length);
            }
            fingerprintKeys.add(new SecretKeySpec(material, "HmacSHA256"));
            return this;
        }

        /**
         * @return the keys
         * @throws IllegalStateException if no key, no fingerprint key, or a current key id that names no key
         */
        public EncryptionKeys build() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("no encryption key: add at least one with key(id, material)");
            }
            if (fingerprintKeys.isEmpty()) {
                throw new IllegalStateException("no fingerprint key: add one with fingerprintKey(material), a secret of"
                        + " its own (not one of the encryption keys)");
            }
            if (currentKeyId == null) {
                currentKeyId = keys.keySet().iterator().next();
            } else if (!keys.containsKey(currentKeyId)) {
                throw new IllegalStateException("the current key id " + currentKeyId + " names no key; the keys are "
                        + keys.keySet());
            }
            return new EncryptionKeys(this);
        }

        @Override
        public String toString() {
            return "EncryptionKeys.Builder[keys=" + keys.keySet() + ", material=(masked)]";
        }
    }
}
