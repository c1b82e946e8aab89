package io.github.idempotency.core.protect;

import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The keys of {@link StoreProtection}'s encryption, supplied by the application: AES keys by key
 * id, of which one is current, and the HMAC keys of stored fingerprints.
 *
 * <p>New records are encrypted under {@link #currentKeyId()}; a record names the id it was
 * encrypted under and is readable for as long as {@link #encryptionKey(String)} returns that key.
 * Rotation is therefore: add the new key, make it current, and remove the old one once every
 * record written under it has expired (the TTL, 24 h by default). A record whose key was removed
 * answers the problem {@code stored-response-unreadable}; its handler does not run again.
 *
 * <p>Implementations are thread-safe and fast (called once per stored or replayed response); one
 * that fetches keys from a key management service caches them. {@link EncryptionKeys} is the
 * immutable implementation. An implementation's {@code toString} never shows key material.
 */
public interface KeyProvider {

    /** @return the id of the key new records are encrypted under; {@link #encryptionKey(String)} returns it */
    String currentKeyId();

    /**
     * @param keyId the id a record names
     * @return the AES key (128, 192 or 256 bits) with that id; empty when it is not configured
     *     (any more), which makes the records written under it unreadable
     */
    Optional<SecretKey> encryptionKey(String keyId);

    /**
     * @return the HMAC-SHA256 keys of stored fingerprints, never empty: the first computes the
     *     fingerprint of new claims; the others are still accepted when comparing with a stored
     *     one, so that the fingerprint key can be rotated like the encryption keys
     */
    List<SecretKey> fingerprintKeys();
}
