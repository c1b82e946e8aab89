package io.github.idempotency.core.operation;

import io.github.idempotency.core.ConcurrencyPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One call of an operation with settings of its own: the key, the inputs, and optionally a lease,
 * TTL, concurrency or failure policy other than the runner's defaults. Immutable; each
 * {@code with...} method returns a new request.
 *
 * <pre>{@code
 * OperationRequest.of(OperationKey.of("reports.render", id), parameters)
 *         .withLease(Duration.ofMinutes(5))
 *         .withConcurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(30)))
 * }</pre>
 */
public final class OperationRequest {

    private final OperationKey key;
    private final Object inputs;
    private final Duration lease;
    private final Duration ttl;
    private final ConcurrencyPolicy concurrency;
    private final FailurePolicy failurePolicy;

    private OperationRequest(OperationKey key, Object inputs, Duration lease, Duration ttl,
            ConcurrencyPolicy concurrency, FailurePolicy failurePolicy) {
        this.key = key;
        this.inputs = inputs;
        this.lease = lease;
        this.ttl = ttl;
        this.concurrency = concurrency;
        this.failurePolicy = failurePolicy;
    }

    /**
     * @param key the operation's key
     * @param inputs what the operation depends on (encoded by the runner's codec and fingerprinted):
     *     a later call with the key and other inputs is rejected
     * @return a request with the runner's defaults
     */
    public static OperationRequest of(OperationKey key, Object inputs) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(inputs, "inputs: pass what the operation depends on, for example the message payload,"
                + " so that a call reusing the key for something else is detected");
        return new OperationRequest(key, inputs, null, null, null, null);
    }

    /**
     * @param lease how long the claim lives without renewal (renewed every third of it while the
     *     operation runs); positive
     * @return a request with this lease
     */
    public OperationRequest withLease(Duration lease) {
        return new OperationRequest(key, inputs, positive(lease, "lease"), ttl, concurrency, failurePolicy);
    }

    /**
     * @param ttl how long the outcome is kept and returned to later calls; positive
     * @return a request with this TTL
     */
    public OperationRequest withTtl(Duration ttl) {
        return new OperationRequest(key, inputs, lease, positive(ttl, "ttl"), concurrency, failurePolicy);
    }

    /**
     * @param concurrency what this call does while another call with the key runs
     * @return a request with this concurrency policy
     */
    public OperationRequest withConcurrency(ConcurrencyPolicy concurrency) {
        return new OperationRequest(key, inputs, lease, ttl, Objects.requireNonNull(concurrency, "concurrency"),
                failurePolicy);
    }

    /**
     * @param failurePolicy which exceptions of this operation are stored as its outcome
     * @return a request with this failure policy
     */
    public OperationRequest withFailurePolicy(FailurePolicy failurePolicy) {
        return new OperationRequest(key, inputs, lease, ttl, concurrency,
                Objects.requireNonNull(failurePolicy, "failurePolicy"));
    }

    /** @return the operation's key */
    public OperationKey key() {
        return key;
    }

    /** @return the inputs */
    public Object inputs() {
        return inputs;
    }

    /** @return the lease of this call; empty for the runner's default */
    public Optional<Duration> lease() {
        return Optional.ofNullable(lease);
    }

    /** @return the TTL of this call; empty for the runner's default */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /** @return the concurrency policy of this call; empty for the runner's default */
    public Optional<ConcurrencyPolicy> concurrency() {
        return Optional.ofNullable(concurrency);
    }

    /** @return the failure policy of this call; empty for the runner's default */
    public Optional<FailurePolicy> failurePolicy() {
        return Optional.ofNullable(failurePolicy);
    }

    private static Duration positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
        return duration;
    }

    @Override
    public String toString() {
        return "OperationRequest[" + key + ", lease=" + lease + ", ttl=" + ttl + ", concurrency=" + concurrency + "]";
    }
}
