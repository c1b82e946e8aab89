package io.github.idempotency.core.protect;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InspectableStore;
import java.util.Objects;
import java.util.Optional;

/**
 * What a store keeps, made safe to keep: {@link #protect(IdempotencyStore)} wraps any store so that
 * <ul>
 *   <li>with {@linkplain Builder#encryption(KeyProvider) encryption}, every stored response
 *       (status, headers, body) is encrypted with AES-GCM under the key provider's current key, a
 *       fresh random nonce per record, and the entry's identity as associated data, so that a record
 *       cannot be read, altered or moved to another entry without the key; and the stored request
 *       fingerprint is an HMAC under a fingerprint key, so that a store reader cannot test guesses
 *       of small request bodies against it;</li>
 *   <li>with a {@linkplain Builder#redactor(ResponseRedactor) redactor}, what is stored of a response
 *       is redacted first: the first client gets the original, a replay gets the redacted form,
 *       with {@value #REDACTED_HEADER}{@code : true}.</li>
 * </ul>
 *
 * <p>A record that cannot be decrypted (its key id is not configured, or its authentication fails)
 * makes {@code claim} throw {@link io.github.idempotency.core.store.UnreadableRecordException}, which
 * the engine answers with {@code 500 stored-response-unreadable} without running the handler.
 *
 * <p>The wrapped store stays as it is, and the protected store is an {@link InspectableStore} when
 * it is one (its summaries show the envelope: status {@value RecordCipher#ENVELOPE_STATUS}, the
 * envelope's size, the fingerprint's HMAC). Immutable and thread-safe.
 *
 * <pre>{@code
 * IdempotencyStore store = StoreProtection.builder()
 *         .encryption(EncryptionKeys.builder().key("k1", aesKey).fingerprintKey(hmacKey).build())
 *         .redactor(ResponseRedactor.jsonFields("card.number"))
 *         .build()
 *         .protect(RedisIdempotencyStore.builder(uri).build());
 * }</pre>
 */
public final class StoreProtection {

    /** The header of a replay whose stored response was redacted, with the value {@code true}. */
    public static final String REDACTED_HEADER = "Idempotent-Redacted";

    private final Optional<KeyProvider> keys;
    private final ResponseRedactor redactor;
    private final boolean acceptUnencryptedRecords;

    private StoreProtection(Builder b) {
        this.keys = Optional.ofNullable(b.keys);
        this.redactor = b.redactor;
        this.acceptUnencryptedRecords = b.acceptUnencryptedRecords;
    }

    /** @return a builder that protects nothing until told to */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param store the store to protect
     * @return {@code store}, protected; an {@link InspectableStore} when {@code store} is one
     */
    public IdempotencyStore protect(IdempotencyStore store) {
        Objects.requireNonNull(store, "store");
        RecordCipher cipher = keys.map(RecordCipher::new).orElse(null);
        return store instanceof InspectableStore inspectable
                ? new ProtectedStore.Inspectable(inspectable, cipher, redactor, acceptUnencryptedRecords)
                : new ProtectedStore(store, cipher, redactor, acceptUnencryptedRecords);
    }

    /** @return whether stored responses are encrypted */
    public boolean encrypts() {
        return keys.isPresent();
    }

    /** @return what is protected, without key material */
    @Override
    public String toString() {
        return "StoreProtection[encryption=" + keys.map(Object::toString).orElse("off") + ", redactor=" + redactor
                + (acceptUnencryptedRecords ? ", accepting unencrypted records" : "") + "]";
    }

    /** Builds a {@link StoreProtection}. Not thread-safe. */
    public static final class Builder {
        private KeyProvider keys;
        private ResponseRedactor redactor = ResponseRedactor.none();
        private boolean acceptUnencryptedRecords;

        private Builder() {
        }

        /** @param keys the encryption and fingerprint keys; encryption is on once they are given @return this */
        public Builder encryption(KeyProvider keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** @param redactor what is removed from a response before it is stored (default nothing) @return this */
        public Builder redactor(ResponseRedactor redactor) {
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        /**
         * While turning encryption on for a store that holds records written without it: those
         * records (and claims) are still accepted and replayed as they are, until they expire.
         * Off by default: a record that is not encrypted is then unreadable, so that whoever can
         * write to the store cannot plant a response that is replayed. Turn it off again one TTL
         * after encryption was turned on.
         *
         * @param accept whether unencrypted records are accepted
         * @return this
         */
        public Builder acceptUnencryptedRecords(boolean accept) {
            this.acceptUnencryptedRecords = accept;
            return this;
        }

        /** @return the protection */
        public StoreProtection build() {
            return new StoreProtection(this);
        }
    }
}
