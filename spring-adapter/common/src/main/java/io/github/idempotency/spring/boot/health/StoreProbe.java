package io.github.idempotency.spring.boot.health;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One health check of the store: {@link IdempotencyStore#probe()}, and what to report of it. Shared
 * by the health indicators of each Spring Boot line, whose health APIs live in different packages.
 */
record StoreProbe(boolean up, String store, String error) {

    /** @return the details both indicators report: the error when the store is down, and the store */
    Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        if (!up) {
            details.put("error", error);
        }
        details.put("store", store);
        return details;
    }

    static StoreProbe of(IdempotencyStore store) {
        try {
            store.probe();
            return new StoreProbe(true, store.toString(), null);
        } catch (IdempotencyStoreException | IllegalStateException e) {
            return new StoreProbe(false, store.toString(), e.getMessage());
        }
    }
}
