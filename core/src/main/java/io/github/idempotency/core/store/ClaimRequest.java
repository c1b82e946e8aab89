package io.github.idempotency.core.store;

import io.github.idempotency.core.fingerprint.Fingerprint;
import java.time.Duration;
import java.util.Objects;

/**
 * What a caller asks of {@link IdempotencyStore#claim(ClaimRequest)}.
 *
 * @param key the entry to claim
 * @param fingerprint the fingerprint of the request that claims; kept with the claim and with the
 *     completed record so that a retry with a different request is detected
 * @param lease how long the claim stays valid unless renewed; after that another request may take
 *     it over
 */
public record ClaimRequest(EntryKey key, Fingerprint fingerprint, Duration lease) {
    public ClaimRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
    }
}
