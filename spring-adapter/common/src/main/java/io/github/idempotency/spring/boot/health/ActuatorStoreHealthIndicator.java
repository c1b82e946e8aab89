package io.github.idempotency.spring.boot.health;

import io.github.idempotency.core.store.IdempotencyStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The store's health on Spring Boot 3.5 ({@code org.springframework.boot.actuate.health}). */
final class ActuatorStoreHealthIndicator implements HealthIndicator {

    private final ObjectProvider<IdempotencyStore> store;

    ActuatorStoreHealthIndicator(ObjectProvider<IdempotencyStore> store) {
        this.store = store;
    }

    @Override
    public Health health() {
        StoreProbe probe = StoreProbe.of(store.getObject());
        return (probe.up() ? Health.up() : Health.down()).withDetails(probe.details()).build();
    }
}
