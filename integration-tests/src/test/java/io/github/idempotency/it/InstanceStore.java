package io.github.idempotency.it;

import io.github.idempotency.core.store.IdempotencyStore;

/** The store client of one application instance: its own connection or pool to the shared server. */
interface InstanceStore extends AutoCloseable {

    /** @return the store this instance's engine uses */
    IdempotencyStore store();

    /** Closes this instance's connection or pool. */
    @Override
    void close();
}
