package io.github.idempotency.spring.boot;

import io.github.idempotency.core.store.IdempotencyStore;

/**
 * Wraps the store the engine and the operations runner use, as a bean: every
 * {@code IdempotencyStoreDecorator} bean is applied in order, each to the previous one's store. The
 * library's own, with Micrometer's {@code ObservationRegistry} bean, observes each store call
 * ({@link io.github.idempotency.core.metrics.ObservedIdempotencyStore}); an application may add
 * its own (logging, fault injection in tests). The {@link IdempotencyStore} bean itself stays as
 * it is.
 */
@FunctionalInterface
public interface IdempotencyStoreDecorator {

    /**
     * @param store the store, perhaps decorated already
     * @return the store to use instead
     */
    IdempotencyStore decorate(IdempotencyStore store);
}
