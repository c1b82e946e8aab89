package io.github.idempotency.core;

import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import java.time.Duration;

/** A claim that passes every call to another; tests override the call they change. */
class DelegatingClaim implements Claim {
    private final Claim delegate;

    DelegatingClaim(Claim delegate) {
        this.delegate = delegate;
    }

    @Override
    public EntryKey key() {
        return delegate.key();
    }

    @Override
    public long fencingToken() {
        return delegate.fencingToken();
    }

    @Override
    public boolean complete(StoredResponse response, Duration ttl) {
        return delegate.complete(response, ttl);
    }

    @Override
    public boolean release() {
        return delegate.release();
    }

    @Override
    public boolean renew(Duration lease) {
        return delegate.renew(lease);
    }
}
