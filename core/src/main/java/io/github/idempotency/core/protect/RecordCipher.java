package io.github.idempotency.core.protect;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import io.github.idempotency.core.store.UnreadableRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The encryption of records and fingerprints for {@link StoreProtection}.
 *
 * <p>A record's envelope is a {@link StoredResponse} with status {@value #ENVELOPE_STATUS}, no
 * headers, and this body: the magic bytes {@code 0x49 0x4B 0x45} ("IKE"), the version byte
 * {@code 1}, the key id's length (one byte) and its ASCII bytes, the 12-byte nonce, then the
 * AES-GCM ciphertext of the {@link StoredResponseCodec} form of the real response, with its
 * 128-bit tag. The associated data binds the ciphertext to its place: the magic, version and key
 * id, then the entry's scope and key and the stored fingerprint, each length-prefixed; a record
 * copied to another entry, or given another fingerprint, fails authentication.
 *
 * <p>A stored fingerprint is HMAC-SHA256 under a fingerprint key of the entry's scope and key
 * (length-prefixed) and the request's fingerprint, so that equal requests under different keys
 * do not have equal stored fingerprints, and a store reader cannot test guesses against them.
 */
final class RecordCipher {

    /** The status of every envelope: the real one is encrypted with the rest of the response. */
    static final int ENVELOPE_STATUS = 200;

    private static final byte[] MAGIC = {0x49, 0x4B, 0x45};
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String AES_GCM = "AES/GCM/NoPadding";
    private static final String HMAC = "HmacSHA256";

    /**
     * One cipher and one MAC per thread, initialised anew for each use: looking them up from the
     * providers costs more than the cryptography on a small response.
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> instance(AES_GCM, Cipher::getInstance));
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> instance(HMAC, Mac::getInstance));

    private final KeyProvider keys;
    private final SecureRandom random = new SecureRandom();

    /** The source of one kind of JCA engine. */
    private interface Engines<T> {
        T get(String algorithm) throws GeneralSecurityException;
    }

    private static <T> T instance(String algorithm, Engines<T> engines) {
        try {
            return engines.get(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
        }
    }

    RecordCipher(KeyProvider keys) {
        this.keys = keys;
    }

    /** @return the fingerprint the store keeps for {@code fingerprint}: its HMAC under the current fingerprint key */
    Fingerprint storedFingerprint(EntryKey key, Fingerprint fingerprint) {
        return hmac(fingerprintKeys().get(0), key, fingerprint);
    }

    /**
     * @param current {@link #storedFingerprint} of {@code fingerprint}, already computed
     * @return whether {@code stored} is {@code fingerprint}'s HMAC under any configured fingerprint key
     */
    boolean matches(EntryKey key, Fingerprint fingerprint, Fingerprint current, Fingerprint stored) {
        if (current.equals(stored)) {
            return true;
        }
        List<SecretKey> fingerprintKeys = fingerprintKeys();
        for (int i = 1; i < fingerprintKeys.size(); i++) {
            if (hmac(fingerprintKeys.get(i), key, fingerprint).equals(stored)) {
                return true;
            }
        }
        return false;
    }

    private List<SecretKey> fingerprintKeys() {
        List<SecretKey> fingerprintKeys = keys.fingerprintKeys();
        if (fingerprintKeys.isEmpty()) {
            throw new IllegalStateException("the key provider " + keys + " has no fingerprint key");
        }
        return fingerprintKeys;
    }

    private static Fingerprint hmac(SecretKey fingerprintKey, EntryKey key, Fingerprint fingerprint) {
        try {
            Mac mac = MACS.get();
            mac.init(fingerprintKey);
            mac.update(identity(key, fingerprint.bytes()));
            return Fingerprint.of(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 with the configured fingerprint key failed (is it a valid"
                    + " secret key?): " + e.getClass().getSimpleName(), e);
        }
    }

    /** @return {@code response} encrypted under the current key, for the entry {@code key} with the stored fingerprint */
    StoredResponse seal(EntryKey key, Fingerprint stored, StoredResponse response) {
        String keyId = keys.currentKeyId();
        EncryptionKeys.checkKeyId(keyId);
        SecretKey secret = keys.encryptionKey(keyId).orElseThrow(() -> new IllegalStateException(
                "the current encryption key id " + keyId + " names no key of " + keys));
        byte[] idBytes = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plain = StoredResponseCodec.encode(response);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, secret, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(idBytes, key, stored));
            int headerBytes = MAGIC.length + 2 + idBytes.length + NONCE_BYTES;
            byte[] body = new byte[headerBytes + cipher.getOutputSize(plain.length)];
            ByteBuffer out = ByteBuffer.wrap(body);
            out.put(MAGIC).put(VERSION).put((byte) idBytes.length).put(idBytes).put(nonce);
            cipher.doFinal(plain, 0, plain.length, body, headerBytes);
            return new StoredResponse(ENVELOPE_STATUS, List.of(), body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption under key " + keyId + " failed: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** @return whether {@code stored} is an envelope (of any version) */
    static boolean isEnvelope(StoredResponse stored) {
        byte[] body = stored.body();
        return stored.headers().isEmpty() && body.length > MAGIC.length
                && body[0] == MAGIC[0] && body[1] == MAGIC[1] && body[2] == MAGIC[2];
    }

    /**
     * @return the response in the envelope {@code stored} of the entry {@code key}
     * @throws UnreadableRecordException if it cannot be decrypted: unknown version or key id, or
     *     failed authentication
     */
    StoredResponse open(EntryKey key, Fingerprint storedFingerprint, StoredResponse stored) {
        byte[] body = stored.body();
        if (body[MAGIC.length] != VERSION) {
            throw new UnreadableRecordException("the record is encrypted in envelope version " + (body[MAGIC.length] & 0xFF)
                    + ", this library reads version " + VERSION);
        }
        int idAt = MAGIC.length + 2;
        int idLength = body.length > MAGIC.length + 1 ? body[MAGIC.length + 1] & 0xFF : -1;
        int nonceAt = idAt + idLength;
        if (idLength < 1 || body.length < nonceAt + NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableRecordException("the encrypted record is truncated (" + body.length + " bytes)");
        }
        byte[] idBytes = java.util.Arrays.copyOfRange(body, idAt, nonceAt);
        String keyId = new String(idBytes, StandardCharsets.US_ASCII);
        Optional<SecretKey> secret = keys.encryptionKey(keyId);
        if (secret.isEmpty()) {
            throw new UnreadableRecordException("the record was encrypted under key id " + printable(keyId)
                    + ", which is not configured (any more); configure that key again to replay it, or evict the entry"
                    + " to let the key run its handler again");
        }
        byte[] plain;
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, secret.get(), new GCMParameterSpec(TAG_BITS, body, nonceAt, NONCE_BYTES));
            cipher.updateAAD(associatedData(idBytes, key, storedFingerprint));
            int cipherAt = nonceAt + NONCE_BYTES;
            plain = cipher.doFinal(body, cipherAt, body.length - cipherAt);
        } catch (AEADBadTagException e) {
            throw new UnreadableRecordException("the record encrypted under key id " + keyId + " failed authentication:"
                    + " it was altered, copied from another entry, or the key with that id is not the one it was"
                    + " encrypted under", e);
        } catch (GeneralSecurityException e) {
            throw new UnreadableRecordException("the record encrypted under key id " + keyId + " cannot be decrypted: "
                    + e.getClass().getSimpleName(), e);
        }
        try {
            return StoredResponseCodec.decode(plain);
        } catch (IllegalArgumentException e) {
            throw new UnreadableRecordException("the record encrypted under key id " + keyId
                    + " decrypts to no stored response: " + e.getMessage(), e);
        }
    }

    private static String printable(String keyId) {
        return keyId.chars().allMatch(c -> c > 0x20 && c < 0x7F) ? keyId : "(not printable)";
    }

    private static byte[] associatedData(byte[] keyId, EntryKey key, Fingerprint storedFingerprint) {
        byte[] identity = identity(key, storedFingerprint.bytes());
        return ByteBuffer.allocate(MAGIC.length + 2 + keyId.length + identity.length)
                .put(MAGIC).put(VERSION).put((byte) keyId.length).put(keyId).put(identity).array();
    }

    /** @return the entry's scope and key, then {@code suffix}, each with a 32-bit length before it */
    private static byte[] identity(EntryKey key, byte[] suffix) {
        byte[] scope = key.scope().getBytes(StandardCharsets.UTF_8);
        byte[] name = key.key().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(12 + scope.length + name.length + suffix.length)
                .putInt(scope.length).put(scope).putInt(name.length).put(name).putInt(suffix.length).put(suffix)
                .array();
    }
}
