package io.github.idempotency.core.operation;

import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.time.Duration;

/** The operations contract on the in-memory store, whose time is a test clock. */
class InMemoryStoreOperationsTest extends OperationsContract {

    private final MutableClock clock = new MutableClock();

    @Override
    protected IdempotencyStore createStore() {
        return InMemoryIdempotencyStore.builder().clock(clock).build();
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }
}
