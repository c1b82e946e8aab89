package io.github.idempotency.spring.boot.health;

import io.github.idempotency.core.store.IdempotencyStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The store's health on Spring Boot 4 ({@code org.springframework.boot.health.contributor}). */
final class BootHealthStoreHealthIndicator implements HealthIndicator {

    private final ObjectProvider<IdempotencyStore> store;

    BootHealthStoreHealthIndicator(ObjectProvider<IdempotencyStore> store) {
        this.store = store;
    }

    @Override
    public Health health() {
        StoreProbe probe = StoreProbe.of(store.getObject());
        return (probe.up() ? Health.up() : Health.down()).withDetails(probe.details()).build();
    }
}
