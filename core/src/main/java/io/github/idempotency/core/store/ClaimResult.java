package io.github.idempotency.core.store;

import io.github.idempotency.core.fingerprint.Fingerprint;
import java.time.Instant;
import java.util.Objects;

/** The answer of {@link IdempotencyStore#claim(ClaimRequest)}: exactly one of three cases. */
public sealed interface ClaimResult {

    /**
     * The caller now holds the entry: it was absent, its record had expired, or a previous claim's
     * lease had run out (a takeover). The handler may run.
     *
     * @param claim the handle that completes, releases or renews this claim
     */
    record Acquired(Claim claim) implements ClaimResult {
        public Acquired {
            Objects.requireNonNull(claim, "claim");
        }
    }

    /**
     * Another request holds a live claim on the entry.
     *
     * @param fingerprint the fingerprint of the request holding the claim
     * @param leaseExpiresAt when the holder's lease runs out unless renewed (store time)
     */
    record InFlight(Fingerprint fingerprint, Instant leaseExpiresAt) implements ClaimResult {
        public InFlight {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
        }
    }

    /**
     * The entry holds a completed record.
     *
     * @param fingerprint the fingerprint of the request that produced the response
     * @param response the stored response
     * @param expiresAt when the record expires (store time)
     */
    record Completed(Fingerprint fingerprint, StoredResponse response, Instant expiresAt) implements ClaimResult {
        public Completed {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }
}
