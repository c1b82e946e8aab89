package io.github.idempotency.core.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A claim that passes every call, blocking and non-blocking, to another claim: the base of the
 * claim a store decorator hands out, which overrides only the calls it changes. Thread-safe when
 * the claim it forwards to is.
 */
public class ForwardingClaim implements Claim {

    private final Claim claim;

    /** @param claim the claim every call goes to */
    public ForwardingClaim(Claim claim) {
        this.claim = Objects.requireNonNull(claim, "claim");
    }

    /** @return the claim every call goes to */
    protected Claim delegate() {
        return claim;
    }

    @Override
    public EntryKey key() {
        return claim.key();
    }

    @Override
    public long fencingToken() {
        return claim.fencingToken();
    }

    @Override
    public boolean complete(StoredResponse response, Duration ttl) {
        return claim.complete(response, ttl);
    }

    @Override
    public boolean release() {
        return claim.release();
    }

    @Override
    public boolean renew(Duration lease) {
        return claim.renew(lease);
    }

    @Override
    public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
        return claim.completeAsync(response, ttl);
    }

    @Override
    public CompletionStage<Boolean> releaseAsync() {
        return claim.releaseAsync();
    }

    @Override
    public CompletionStage<Boolean> renewAsync(Duration lease) {
        return claim.renewAsync(lease);
    }

    @Override
    public String toString() {
        return claim.toString();
    }
}
