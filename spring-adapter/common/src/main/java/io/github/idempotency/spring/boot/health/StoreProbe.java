package io.github.idempotency.spring.boot.health;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;

/**
 * One health check of the store: {@link IdempotencyStore#probe()}, and what to report of it. Shared
 * by the health indicators of each Spring Boot line, whose health APIs live in different packages.
 */
record StoreProbe(boolean up, String store, String error) {

    static StoreProbe of(IdempotencyStore store) {
        try {
            store.probe();
            return new StoreProbe(true, store.toString(), null);
        } catch (IdempotencyStoreException | IllegalStateException e) {
            return new StoreProbe(false, store.toString(), e.getMessage());
        }
    }
}
