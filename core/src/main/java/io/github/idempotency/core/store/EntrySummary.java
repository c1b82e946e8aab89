package io.github.idempotency.core.store;

import io.github.idempotency.core.fingerprint.Fingerprint;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link InspectableStore#inspect(EntryKey)} tells of one live entry: its state, the
 * fingerprint of the request it belongs to, when it expires and, for a completed record, the
 * stored status and body size. Never the body or a header value.
 */
public sealed interface EntrySummary {

    /** @return the fingerprint of the request that claimed the entry */
    Fingerprint fingerprint();

    /** @return when the entry expires unless renewed: the lease end of a claim, the TTL end of a record (store time) */
    Instant expiresAt();

    /**
     * A request holds a claim on the entry: its handler is running, or its instance stopped
     * before the lease ends.
     *
     * @param fingerprint the fingerprint of the request holding the claim
     * @param expiresAt when the lease runs out unless renewed
     */
    record InFlight(Fingerprint fingerprint, Instant expiresAt) implements EntrySummary {
        public InFlight {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * The entry holds a completed record, which retries replay.
     *
     * @param fingerprint the fingerprint of the request that produced the response
     * @param expiresAt when the record expires
     * @param status the stored response's HTTP status
     * @param bodyBytes the length of the stored body in bytes (0 for a body too large to store,
     *     whose length a header line of the record gives instead)
     */
    record Completed(Fingerprint fingerprint, Instant expiresAt, int status, int bodyBytes) implements EntrySummary {
        public Completed {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(expiresAt, "expiresAt");
            if (bodyBytes < 0) {
                throw new IllegalArgumentException("bodyBytes must not be negative, was " + bodyBytes);
            }
        }
    }
}
