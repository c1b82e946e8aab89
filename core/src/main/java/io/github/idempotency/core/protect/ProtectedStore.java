package io.github.idempotency.core.protect;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.EntrySummary;
import io.github.idempotency.core.store.ForwardingClaim;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InspectableStore;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.UnreadableRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The store {@link StoreProtection#protect(IdempotencyStore)} returns. Thread-safe. */
class ProtectedStore implements IdempotencyStore {

    private final IdempotencyStore store;
    /** {@code null} when responses are not encrypted. */
    private final RecordCipher cipher;
    private final ResponseRedactor redactor;
    private final boolean acceptUnencrypted;

    ProtectedStore(IdempotencyStore store, RecordCipher cipher, ResponseRedactor redactor, boolean acceptUnencrypted) {
        this.store = store;
        this.cipher = cipher;
        this.redactor = redactor;
        this.acceptUnencrypted = acceptUnencrypted;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        ClaimRequest stored = storedRequest(request);
        return readable(request, stored, store.claim(stored));
    }

    @Override
    public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        ClaimRequest stored;
        CompletionStage<ClaimResult> answer;
        try {
            stored = storedRequest(request);
            answer = store.claimAsync(stored);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ClaimResult> readable = new CompletableFuture<>();
        answer.whenComplete((result, failure) -> {
            if (failure != null) {
                readable.completeExceptionally(failure);
                return;
            }
            try {
                readable.complete(readable(request, stored, result));
            } catch (RuntimeException e) { // UnreadableRecordException as it is, not wrapped
                readable.completeExceptionally(e);
            }
        });
        return readable;
    }

    @Override
    public void probe() {
        store.probe();
    }

    @Override
    public String toString() {
        return store + " (" + (cipher == null ? "not encrypted" : "encrypted") + ", redactor " + redactor + ")";
    }

    /** @return {@code request} as the store sees it: the fingerprint replaced by its HMAC when encrypting */
    private ClaimRequest storedRequest(ClaimRequest request) {
        return cipher == null ? request
                : new ClaimRequest(request.key(), cipher.storedFingerprint(request.key(), request.fingerprint()),
                        request.lease());
    }

    /**
     * @return the store's answer as the engine understands it: a matching stored fingerprint
     *     replaced by the request's own, a matching record decrypted, a claim protected
     * @throws UnreadableRecordException if the matching record cannot be decrypted
     */
    private ClaimResult readable(ClaimRequest request, ClaimRequest stored, ClaimResult result) {
        if (result instanceof ClaimResult.Acquired acquired) {
            return new ClaimResult.Acquired(new ProtectedClaim(acquired.claim(), stored.fingerprint()));
        }
        if (cipher == null) {
            return result;
        }
        EntryKey key = request.key();
        if (result instanceof ClaimResult.InFlight inFlight) {
            return matches(request, stored, inFlight.fingerprint())
                    ? new ClaimResult.InFlight(request.fingerprint(), inFlight.leaseExpiresAt()) : result;
        }
        ClaimResult.Completed completed = (ClaimResult.Completed) result;
        if (!matches(request, stored, completed.fingerprint())) {
            return result; // a different request: 422, whatever the record holds
        }
        StoredResponse response = completed.response();
        if (RecordCipher.isEnvelope(response)) {
            response = cipher.open(key, completed.fingerprint(), response);
        } else if (!acceptUnencrypted) {
            throw new UnreadableRecordException("the record is not encrypted, and unencrypted records are not accepted"
                    + " (written before encryption was turned on, or by someone with write access to the store); evict"
                    + " the entry, or accept unencrypted records while migrating");
        }
        return new ClaimResult.Completed(request.fingerprint(), response, completed.expiresAt());
    }

    /**
     * @param sent {@code request} as the store was sent it
     * @return whether {@code stored} is the fingerprint of {@code request}: its HMAC, or the plain
     *     fingerprint of a claim or record written without encryption (whose record is still
     *     refused unless unencrypted records are accepted)
     */
    private boolean matches(ClaimRequest request, ClaimRequest sent, Fingerprint stored) {
        return cipher.matches(request.key(), request.fingerprint(), sent.fingerprint(), stored)
                || stored.equals(request.fingerprint());
    }

    /** @return what is stored of {@code response}: redacted and marked so, then encrypted */
    private StoredResponse storable(EntryKey key, Fingerprint fingerprint, StoredResponse response) {
        StoredResponse redacted = redactor.redact(key, response);
        if (redacted != response && !redacted.equals(response)) {
            List<ResponseHeader> headers = new ArrayList<>(redacted.headers());
            headers.add(new ResponseHeader(StoreProtection.REDACTED_HEADER, "true"));
            redacted = new StoredResponse(redacted.status(), headers, redacted.body());
        }
        return cipher == null ? redacted : cipher.seal(key, fingerprint, redacted);
    }

    /** A claim whose completion stores the protected form of the response. */
    private final class ProtectedClaim extends ForwardingClaim {
        private final Fingerprint fingerprint;

        ProtectedClaim(Claim claim, Fingerprint fingerprint) {
            super(claim);
            this.fingerprint = fingerprint;
        }

        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            return delegate().complete(storable(key(), fingerprint, response), ttl);
        }

        @Override
        public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
            StoredResponse storable;
            try {
                storable = storable(key(), fingerprint, response);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return delegate().completeAsync(storable, ttl);
        }
    }

    /** The protected form of an {@link InspectableStore}: inspection and eviction pass through. */
    static final class Inspectable extends ProtectedStore implements InspectableStore {
        private final InspectableStore store;

        Inspectable(InspectableStore store, RecordCipher cipher, ResponseRedactor redactor, boolean acceptUnencrypted) {
            super(store, cipher, redactor, acceptUnencrypted);
            this.store = store;
        }

        @Override
        public Optional<EntrySummary> inspect(EntryKey key) {
            return store.inspect(key);
        }

        @Override
        public boolean evict(EntryKey key) {
            return store.evict(key);
        }
    }
}
